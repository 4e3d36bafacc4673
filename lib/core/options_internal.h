/*
 * options_internal.h - layout of vc_options, shared by options.c and
 * progress.c only. Other folders read options through vci_opt_*().
 */
#ifndef VCOMM_OPTIONS_INTERNAL_H
#define VCOMM_OPTIONS_INTERNAL_H

#include "core.h"

typedef union vci_option_value {
    int64_t i;      /* INT and BOOL */
    double f;       /* FLOAT */
    const char *s;  /* STRING: the registry's default text or owned[] copy */
} vci_option_value;

struct vc_options {
    vci_option_value value[VCI_OPT_COUNT];
    char *owned[VCI_OPT_COUNT]; /* string values set by the caller */
    vc_progress_fn progress_fn;
    void *progress_userdata;
};

#endif
