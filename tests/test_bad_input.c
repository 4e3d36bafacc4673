/*
 * test_bad_input.c - the bad-input catalogue (tests/data/bad, written by
 * its generate.py): every malformed data set fails to load with the
 * expected status and a message naming the file, the line and what was
 * wrong; nothing leaks (the sanitizer build checks) and no output is set.
 */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "vcomm.h"

static int status_of(const char *name)
{
    static const struct { const char *name; int status; } map[] = {
        {"PARSE", VC_ERR_PARSE}, {"IO", VC_ERR_IO}, {"FORMAT", VC_ERR_FORMAT},
        {"RANGE", VC_ERR_RANGE}, {"OPTION", VC_ERR_OPTION}};
    for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
        if (strcmp(map[i].name, name) == 0)
            return map[i].status;
    fail_msg("unknown status %s in cases.txt", name);
    return 0;
}

static void run_case(const char *dir, char *line)
{
    char *name = strtok(line, "|"), *status = strtok(NULL, "|");
    char *message = strtok(NULL, "|"), *options = strtok(NULL, "\n");
    assert_non_null(message);
    char path[8192];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    vc_options *o;
    assert_int_equal(vc_options_new(&o), VC_OK);
    for (char *kv = options ? strtok(options, ";") : NULL; kv; kv = strtok(NULL, ";"))
        assert_int_equal(vc_options_set_pair(o, kv), VC_OK);
    vc_dataset *ds = (vc_dataset *)&ds;
    int got = vc_dataset_load(&ds, path, o);
    vc_options_free(o);
    const char *err = vc_last_error();
    printf("# %-28s %s\n", name, err);
    if (got != status_of(status))
        fail_msg("%s: expected %s, got %d (%s)", name, status, got, err);
    if (!strstr(err, message))
        fail_msg("%s: message '%s' lacks '%s'", name, err, message);
    assert_null(ds);
}

static void test_catalogue(void **state)
{
    (void)state;
    char dir[4096], file[4200], line[1024];
    snprintf(dir, sizeof dir, "%s/bad", TEST_DATA_DIR);
    snprintf(file, sizeof file, "%s/cases.txt", dir);
    FILE *f = fopen(file, "r");
    assert_non_null(f);
    int n = 0;
    while (fgets(line, sizeof line, f)) {
        if (line[0] == '#' || line[0] == '\n')
            continue;
        run_case(dir, line);
        n++;
    }
    fclose(f);
    assert_true(n >= 40);
}

int main(void)
{
    const struct CMUnitTest tests[] = {cmocka_unit_test(test_catalogue)};
    return cmocka_run_group_tests(tests, NULL, NULL);
}
