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

/* synthetic data (lib/io) */
VCI_OPTION(SYNTH_USERS, "synth.users", INT, "6040", 1, 100000000, NULL,
           "synthetic data: number of users")
VCI_OPTION(SYNTH_ITEMS, "synth.items", INT, "3700", 10, 10000000, NULL,
           "synthetic data: number of items")
VCI_OPTION(SYNTH_EVENTS_PER_USER, "synth.events_per_user", INT, "80", 1, 100000, NULL,
           "synthetic data: mean ratings per user")
VCI_OPTION(SYNTH_COMMUNITIES, "synth.communities", INT, "8", 1, 10000, NULL,
           "synthetic data: planted communities (shared tastes, habits, demographics)")

/* kernels (lib/kernels) */
VCI_OPTION(KERNEL, "kernel", STRING, "auto", 0, 0, "auto|scalar|avx2|avx512|neon",
           "distance kernel ISA; auto picks the best the CPU has (env VC_KERNEL overrides auto); one the CPU lacks falls back to the best it has")

/* k-means (lib/cluster) */
VCI_OPTION(KMEANS_K, "kmeans.k", INT, "8", 1, 1000000, NULL,
           "number of clusters")
VCI_OPTION(KMEANS_MAX_ITER, "kmeans.max_iter", INT, "100", 1, 1000000, NULL,
           "maximum Lloyd iterations per run")
VCI_OPTION(KMEANS_TOL, "kmeans.tol", FLOAT, "0.0001", 0, 1, NULL,
           "stop when inertia improves by less than this fraction (0: only when no label changes)")
VCI_OPTION(KMEANS_N_INIT, "kmeans.n_init", INT, "1", 1, 1000, NULL,
           "independent runs from different seedings; the lowest inertia wins")
VCI_OPTION(KMEANS_ALGORITHM, "kmeans.algorithm", STRING, "auto", 0, 0,
           "auto|lloyd|hamerly|elkan|minibatch",
           "Lloyd iterations: plain, bound-pruned (same labels as plain), or mini-batch; auto picks by k, d and n")
VCI_OPTION(KMEANS_INIT, "kmeans.init", STRING, "kmeans++", 0, 0, "kmeans++|random",
           "seeding: greedy k-means++ (2+ln k candidates per step) or k distinct random points")
VCI_OPTION(KMEANS_BATCH_SIZE, "kmeans.batch_size", INT, "4096", 16, 1000000000, NULL,
           "mini-batch: points drawn per step")
VCI_OPTION(KMEANS_INIT_TRIALS, "kmeans.init_trials", INT, "0", 0, 1000, NULL,
           "k-means++ candidates per step; 0 = 2 + ln k as scikit-learn")
VCI_OPTION(KMEANS_K_CRITERION, "kmeans.k_criterion", STRING, "silhouette", 0, 0,
           "silhouette|calinski_harabasz|davies_bouldin|gap",
           "score that vc_kmeans_choose_k maximises (Davies-Bouldin: minimises; gap: the gap statistic's sequential rule)")
VCI_OPTION(KMEANS_SILHOUETTE_SAMPLE, "kmeans.silhouette_sample", INT, "10000", 2, 1000000000, NULL,
           "silhouette is exact up to this many points, else computed on a seeded sample of this size")

/* portraits (lib/portrait) */
VCI_OPTION(PORTRAIT_HALF_LIFE_DAYS, "portrait.half_life_days", FLOAT, "180", 0, 1e6, NULL,
           "behaviour decay: an event this many days before the data's end weighs half; 0 = no decay")
VCI_OPTION(PORTRAIT_SHRINKAGE, "portrait.shrinkage", FLOAT, "5", 0, 1e6, NULL,
           "pseudo-ratings that pull a user's per-category rating deviation toward the population's")
VCI_OPTION(PORTRAIT_RANK, "portrait.rank", INT, "6", 1, 1000, NULL,
           "rank of the category factorisation behind predicted affinities")
VCI_OPTION(PORTRAIT_TOPICS, "portrait.topics", INT, "30", 1, 10000, NULL,
           "data without categories: number of keyword topics derived from item titles")
VCI_OPTION(PORTRAIT_TOPIC_MAX_DF, "portrait.topic_max_df", FLOAT, "0.2", 0, 1, NULL,
           "keyword topics: ignore words found in more than this share of items")
VCI_OPTION(PORTRAIT_Z_CLIP, "portrait.z_clip", FLOAT, "4", 0, 1e6, NULL,
           "standardised portrait values are clipped to +-this many standard deviations (0: no clipping)")
VCI_OPTION(PORTRAIT_WEIGHT_FACT, "portrait.weight.fact", FLOAT, "0.3", 0, 1000, NULL,
           "weight of the fact layer (static attributes) in portrait distances")
VCI_OPTION(PORTRAIT_WEIGHT_MODEL, "portrait.weight.model", FLOAT, "1", 0, 1000, NULL,
           "weight of the model (behaviour) layer in portrait distances")
VCI_OPTION(PORTRAIT_WEIGHT_PREDICTIVE, "portrait.weight.predictive", FLOAT, "0.5", 0, 1000, NULL,
           "weight of the predictive layer in portrait distances")
VCI_OPTION(PORTRAIT_WEIGHT_CATEGORY, "portrait.weight.category", FLOAT, "3", 0, 1000, NULL,
           "weight of the category-share group within the model layer")

/* communities (lib/cluster) */
VCI_OPTION(COMMUNITY_K, "community.k", INT, "0", 0, 100000, NULL,
           "global segments; 0 = choose in [2, community.k_max] by community.k_criterion")
VCI_OPTION(COMMUNITY_K_MAX, "community.k_max", INT, "10", 2, 100000, NULL,
           "largest k tried when community.k is 0")
VCI_OPTION(COMMUNITY_TOPIC_K, "community.topic_k", INT, "0", 0, 100000, NULL,
           "sub-communities per topic; 0 = choose in [2, community.topic_k_max] by community.topic_k_criterion")
VCI_OPTION(COMMUNITY_TOPIC_K_MAX, "community.topic_k_max", INT, "6", 2, 100000, NULL,
           "largest k tried per topic when community.topic_k is 0")
VCI_OPTION(COMMUNITY_MIN_MEMBERS, "community.min_members", INT, "30", 1, 1000000000, NULL,
           "a topic community needs at least this many engaged users")
VCI_OPTION(COMMUNITY_MIN_EVENTS, "community.min_events", INT, "1", 1, 1000000, NULL,
           "a user is engaged with a topic after this many events on its items")
VCI_OPTION(COMMUNITY_MAX_TOPICS, "community.max_topics", INT, "0", 0, 1000000, NULL,
           "cluster only the largest topics; 0 = every topic with enough members")
VCI_OPTION(COMMUNITY_TOPIC_WEIGHT, "community.topic_weight", FLOAT, "3", 0, 1000, NULL,
           "inside a topic, weight of the topic's own columns")
VCI_OPTION(COMMUNITY_SOFTNESS, "community.softness", FLOAT, "0.5", 0.001, 1000, NULL,
           "membership temperature, in units of the median distance to the nearest centroid")
VCI_OPTION(COMMUNITY_MIN_STRENGTH, "community.min_strength", FLOAT, "0.15", 0, 1, NULL,
           "memberships weaker than this are dropped (the nearest community is always kept)")
VCI_OPTION(COMMUNITY_N_INIT, "community.n_init", INT, "3", 1, 1000, NULL,
           "k-means restarts per community clustering (the lowest inertia wins)")
VCI_OPTION(DRIFT_CHANGE, "drift.change", FLOAT, "0.1", 0, 10, NULL,
           "drift report: a community grew or shrank when its size changed by this fraction")
VCI_OPTION(DRIFT_SPLIT, "drift.split", FLOAT, "0.25", 0.01, 0.5, NULL,
           "drift report: a community split when at least this share of its members "
           "moved to one other community while at least this share stayed")
VCI_OPTION(COMMUNITY_SAMPLE, "community.sample", INT, "20000", 100, 1000000000, NULL,
           "users sampled when choosing k")
VCI_OPTION(COMMUNITY_K_CRITERION, "community.k_criterion", STRING, "gap", 0, 0, "gap|silhouette",
           "how community.k = 0 chooses the number of global segments: the gap statistic "
           "(add segments while each adds significantly more structure than it does on the "
           "data with its columns permuted) or the best silhouette")
VCI_OPTION(COMMUNITY_TOPIC_K_CRITERION, "community.topic_k_criterion", STRING, "silhouette", 0, 0,
           "gap|silhouette",
           "how community.topic_k = 0 chooses the sub-communities of a topic (as community.k_criterion)")

/* recommendation and targeting (lib/recommend) */
VCI_OPTION(RECOMMEND_NEIGHBOUR_WEIGHT, "recommend.neighbour_weight", FLOAT, "0.8", 0, 1, NULL,
           "share of the score from nearest neighbours inside the user's communities")
VCI_OPTION(RECOMMEND_NEIGHBOURS, "recommend.neighbours", INT, "20", 1, 10000, NULL,
           "nearest neighbours (cosine over interactions) used per query")
VCI_OPTION(RECOMMEND_POOL, "recommend.pool", INT, "150", 1, 100000000, NULL,
           "strongest members of each community searched for neighbours")
VCI_OPTION(RECOMMEND_POOL_COMMUNITIES, "recommend.pool_communities", INT, "4", 1, 1000, NULL,
           "the user's strongest communities searched for neighbours")
VCI_OPTION(RECOMMEND_COMMUNITIES, "recommend.communities", INT, "4", 1, 100000, NULL,
           "the user's strongest communities whose item scores are blended")
VCI_OPTION(RECOMMEND_RANK, "recommend.rank", INT, "32", 1, 128, NULL,
           "dimensions of the taste embeddings that neighbours are found with")
VCI_OPTION(RECOMMEND_PRIOR, "recommend.prior", FLOAT, "10", 0, 1e9, NULL,
           "pseudo-ratings shrinking a community's mean rating of an item toward the item's mean")
VCI_OPTION(RECOMMEND_QUALITY_WEIGHT, "recommend.quality_weight", FLOAT, "0.5", 0, 100, NULL,
           "how much a community's mean rating moves an item's score (explicit data)")
VCI_OPTION(RECOMMEND_HALF_LIFE_DAYS, "recommend.half_life_days", FLOAT, "0", 0, 1e6, NULL,
           "decay of old events in community item popularity; 0 = no decay")
VCI_OPTION(RECOMMEND_CATEGORY, "recommend.category", STRING, "", 0, 0, NULL,
           "recommend only items of this category (empty = any)")
VCI_OPTION(TARGET_AFFINITY_WEIGHT, "target.affinity_weight", FLOAT, "0.6", 0, 1, NULL,
           "targeting: share of the score from the predicted affinity (taste embeddings for an item, portrait for a category)")

/* evaluation (lib/recommend) */
VCI_OPTION(EVAL_SPLIT, "eval.split", STRING, "temporal:0.2", 0, 0, NULL,
           "held-out split: temporal:F (each user's last F of events), random:F, or last:N")
VCI_OPTION(EVAL_K, "eval.k", INT, "10", 1, 10000, NULL,
           "cut-off of the ranking metrics")
VCI_OPTION(EVAL_RELEVANT_RATING, "eval.relevant_rating", FLOAT, "4", 0, 1e9, NULL,
           "explicit data: a held-out rating at least this is relevant")
VCI_OPTION(EVAL_MAX_USERS, "eval.max_users", INT, "0", 0, 1000000000, NULL,
           "evaluate at most this many users (the first ones); 0 = all")
VCI_OPTION(EVAL_TARGET_ITEMS, "eval.target_items", INT, "20", 0, 100000, NULL,
           "items whose targeting lift is measured")
