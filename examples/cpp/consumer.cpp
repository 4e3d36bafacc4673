// consumer.cpp - vcomm from C++: the header compiles as C++ and the C API
// wraps naturally in RAII.
// Build: c++ consumer.cpp $(pkg-config --cflags --libs vcomm)
#include <cstdio>
#include <memory>

#include <vcomm.h>

namespace {
struct OptionsDeleter {
    void operator()(vc_options *o) const { vc_options_free(o); }
};
using Options = std::unique_ptr<vc_options, OptionsDeleter>;
} // namespace

int main()
{
    vc_options *raw = nullptr;
    if (vc_options_new(&raw) != VC_OK) {
        std::fprintf(stderr, "%s\n", vc_last_error());
        return 1;
    }
    Options opts(raw);
    if (vc_options_set(opts.get(), "seed", "7") != VC_OK) {
        std::fprintf(stderr, "%s\n", vc_last_error());
        return 1;
    }
    int64_t seed = 0;
    vc_options_get_int(opts.get(), "seed", &seed);
    std::printf("vcomm %s from C++: %zu options, seed=%lld\n",
                vc_version_string(), vc_option_count(),
                static_cast<long long>(seed));
    return seed == 7 ? 0 : 1;
}
