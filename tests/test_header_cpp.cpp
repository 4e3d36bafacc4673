/*
 * test_header_cpp.cpp - vcomm.h compiles as C++ (no C-only constructs
 * leak out) and the shared library is usable from C++ code.
 */
#include <cstdarg>
#include <cstddef>
#include <cstdint>
#include <csetjmp>
#include <cstring>
extern "C" {
#include <cmocka.h>
}

#include "vcomm.h"

static void test_version_and_options(void **)
{
    assert_int_equal(vc_version(), VC_VERSION_NUMBER);
    assert_string_equal(vc_version_string(), VC_VERSION_STRING);
    vc_options *o = nullptr;
    assert_int_equal(vc_options_new(&o), VC_OK);
    assert_int_equal(vc_options_set_pair(o, "kmeans.k=5"), VC_OK);
    int64_t k = 0;
    assert_int_equal(vc_options_get_int(o, "kmeans.k", &k), VC_OK);
    assert_int_equal(k, 5);
    assert_int_equal(vc_options_set(o, "kmeans.kk", "5"), VC_ERR_OPTION);
    assert_non_null(std::strstr(vc_last_error(), "kmeans.k"));
    vc_options_free(o);
    assert_string_equal(vc_status_str(VC_ERR_NOMEM), "out of memory");
}

int main()
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_version_and_options),
    };
    return cmocka_run_group_tests(tests, nullptr, nullptr);
}
