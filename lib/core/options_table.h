/*
 * options_table.h - the registry of every vcomm option, in one X-macro
 * table. The C API, the CLI (`vcomm options`, --set), the Python binding and
 * docs/options.md are all generated from it.
 *
 * VCI_OPTION(id, name, type, default, min, max, words, doc)
 *   id       suffix of the internal enum VCI_OPT_<id>
 *   name     the public dotted name
 *   type     INT, FLOAT, BOOL or STRING (vc_option_type without prefix)
 *   default  the default as text, as vc_options_set() accepts it
 *   min/max  inclusive numeric range (INT and FLOAT; ignored otherwise)
 *   words    for STRING: NULL (free text) or the allowed words "a|b|c"
 *   doc      one line; range and words are appended by the registry
 *
 * Invariants: names are unique and sorted by section; every default parses
 * and lies in its range (tests/test_options.c checks both). Entries are only
 * appended or added within a section: names are part of the stable API.
 */

/* general */
VCI_OPTION(THREADS, "threads", INT, "0", 0, 1024, NULL,
           "worker threads for long computations; 0 = all online cores")
VCI_OPTION(SEED, "seed", INT, "42", 0, 9007199254740991.0, NULL,
           "seed of every random choice; same seed and input give identical output")

/* load (lib/io) */
VCI_OPTION(LOAD_FORMAT, "load.format", STRING, "auto", 0, 0,
           "auto|ml-1m|ml-100k|ml-latest|merchant",
           "data set format; auto detects it from the files in the directory")
VCI_OPTION(LOAD_ON_ERROR, "load.on_error", STRING, "fail", 0, 0, "fail|skip",
           "malformed lines: fail names the first one; skip counts them in stats")
VCI_OPTION(LOAD_COLUMNS, "load.columns", STRING, "", 0, 0, NULL,
           "merchant CSV column mapping, e.g. user=CustomerID,item=StockCode,time=InvoiceDate")
VCI_OPTION(LOAD_KEEP_CANCELLATIONS, "load.keep_cancellations", BOOL, "false", 0, 0, NULL,
           "merchant CSV: keep cancelled lines (negative quantity) as events instead of dropping them")

/* kernels (lib/kernels) */
VCI_OPTION(KERNEL, "kernel", STRING, "auto", 0, 0, "auto|scalar|avx2|avx512|neon",
           "distance kernel ISA; auto picks the best the CPU has (env VC_KERNEL overrides auto)")

/* k-means (lib/cluster) */
VCI_OPTION(KMEANS_K, "kmeans.k", INT, "8", 1, 1000000, NULL,
           "number of clusters")
VCI_OPTION(KMEANS_MAX_ITER, "kmeans.max_iter", INT, "100", 1, 1000000, NULL,
           "maximum Lloyd iterations per run")
VCI_OPTION(KMEANS_TOL, "kmeans.tol", FLOAT, "0.0001", 0, 1, NULL,
           "stop when inertia improves by less than this fraction")
