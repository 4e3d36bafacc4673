/*
 * version.c - the linked library's version, to compare with the header's.
 */
#include "core.h"

VC_API unsigned vc_version(void)
{
    return VC_VERSION_NUMBER;
}

VC_API const char *vc_version_string(void)
{
    return VC_VERSION_STRING;
}
