/*
 * consumer.c - the smallest C program using vcomm: check the version,
 * set options by name, read them back and report an error.
 * Build: cc consumer.c $(pkg-config --cflags --libs vcomm)
 */
#include <stdio.h>

#include <vcomm.h>

int main(void)
{
    if (vc_version() / 10000 != VC_VERSION_MAJOR) {
        fprintf(stderr, "header %s but library %s\n", VC_VERSION_STRING,
                vc_version_string());
        return 1;
    }
    vc_options *opts = NULL;
    if (vc_options_new(&opts) != VC_OK) {
        fprintf(stderr, "vc_options_new: %s\n", vc_last_error());
        return 1;
    }
    vc_options_set_int(opts, "threads", 2);
    int64_t threads = 0;
    vc_options_get_int(opts, "threads", &threads);
    vc_status s = vc_options_set_int(opts, "thread", 2); /* misspelt */
    printf("vcomm %s: threads=%lld; misspelt name -> %s: %s\n",
           vc_version_string(), (long long)threads, vc_status_str(s),
           vc_last_error());
    vc_options_free(opts);
    return s == VC_ERR_OPTION ? 0 : 1;
}
