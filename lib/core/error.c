/*
 * error.c - status strings and the thread-local last-error message.
 *
 * Invariant: vc_last_error() never returns NULL; messages are truncated to
 * VCI_ERROR_MAX bytes (ending in "...") rather than overflowing.
 */
#include <stdio.h>

#include "core.h"

static _Thread_local char tls_message[VCI_ERROR_MAX];

VC_API const char *vc_status_str(int status)
{
    switch (status) {
    case VC_OK: return "success";
    case VC_ERR_INTERNAL: return "internal error";
    case VC_ERR_NOMEM: return "out of memory";
    case VC_ERR_INVALID: return "invalid argument";
    case VC_ERR_IO: return "input/output error";
    case VC_ERR_PARSE: return "malformed input";
    case VC_ERR_NOT_FOUND: return "not found";
    case VC_ERR_CANCELLED: return "cancelled";
    case VC_ERR_OPTION: return "bad option";
    case VC_ERR_RANGE: return "value out of range";
    case VC_ERR_BUFFER: return "buffer too small";
    case VC_ERR_FORMAT: return "bad file format or version";
    case VC_ERR_STATE: return "invalid state for this call";
    case VC_ERR_UNSUPPORTED: return "not supported";
    default: return status < 0 ? "unknown error" : "unknown status";
    }
}

VC_API const char *vc_last_error(void)
{
    return tls_message;
}

void vci_clear_error(void)
{
    tls_message[0] = '\0';
}

static void mark_truncated(int written)
{
    if (written >= (int)sizeof tls_message)
        memcpy(tls_message + sizeof tls_message - 4, "...", 4);
}

vc_status vci_verror(vc_status status, const char *fmt, va_list ap)
{
    mark_truncated(vsnprintf(tls_message, sizeof tls_message, fmt, ap));
    return status;
}

vc_status vci_error(vc_status status, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vci_verror(status, fmt, ap);
    va_end(ap);
    return status;
}

vc_status vci_parse_error(const char *file, uint64_t line, const char *fmt,
                          ...)
{
    char detail[VCI_ERROR_MAX];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(detail, sizeof detail, fmt, ap);
    va_end(ap);
    if (line > 0)
        return vci_error(VC_ERR_PARSE, "%s:%llu: %s", file,
                         (unsigned long long)line, detail);
    return vci_error(VC_ERR_PARSE, "%s: %s", file, detail);
}

vc_status vci_error_prefix(vc_status status, const char *prefix)
{
    char old[VCI_ERROR_MAX];
    memcpy(old, tls_message, sizeof old);
    return vci_error(status, "%s: %s", prefix, old);
}
