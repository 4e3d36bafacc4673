/*
 * threadpool.c - a pthread pool with a deterministic parallel-for.
 *
 * The calling thread is worker 0 and the pool owns size-1 more threads,
 * which sleep between jobs. One job runs at a time per pool. Tasks are
 * claimed in increasing index order from an atomic counter; results are
 * the task function's business (written per task index), so they never
 * depend on the thread count. On failure the lowest failing task's status
 * and message win: every lower task was claimed earlier and so completes.
 */
#include <pthread.h>
#include <stdatomic.h>
#include <unistd.h>

#include "core.h"

struct vci_pool {
    unsigned size;
    pthread_t *threads;
    unsigned started;
    pthread_mutex_t mu;
    pthread_cond_t work_cv;
    pthread_cond_t done_cv;
    uint64_t generation;
    bool shutdown;
    unsigned busy; /* helper threads still inside the current job */

    /* the current job */
    vci_task_fn fn;
    void *ctx;
    size_t ntasks;
    atomic_size_t next;
    atomic_size_t completed;
    atomic_bool stop;
    size_t fail_task;
    vc_status fail_status;
    char fail_message[VCI_ERROR_MAX];
};

unsigned vci_thread_count(int64_t n)
{
    if (n <= 0) {
        long online = sysconf(_SC_NPROCESSORS_ONLN);
        n = online > 0 ? online : 1;
    }
    return (unsigned)VCI_MIN(n, 1024);
}

static void record_failure(vci_pool *p, size_t task, vc_status s)
{
    pthread_mutex_lock(&p->mu);
    if (task < p->fail_task) {
        p->fail_task = task;
        p->fail_status = s;
        memcpy(p->fail_message, vc_last_error(), sizeof p->fail_message);
    }
    pthread_mutex_unlock(&p->mu);
    atomic_store(&p->stop, true);
}

/* Claim and run tasks until none is left or the job stops. */
/* Claim and run tasks until none is left or the job stops. The calling
 * thread (prog not NULL) reports progress after each of its tasks and
 * records in *reported the completed count it last reported. */
static void run_tasks(vci_pool *p, unsigned worker, const vci_progress *prog,
                      vc_status *cancel, size_t *reported)
{
    while (!atomic_load(&p->stop)) {
        size_t t = atomic_fetch_add(&p->next, 1);
        if (t >= p->ntasks)
            break;
        vc_status s = p->fn(p->ctx, t, worker);
        if (s != VC_OK)
            record_failure(p, t, s);
        size_t done = atomic_fetch_add(&p->completed, 1) + 1;
        if (prog && *cancel == VC_OK) {
            *reported = done;
            *cancel = vci_progress_report(prog, (double)done / (double)p->ntasks);
            if (*cancel != VC_OK)
                atomic_store(&p->stop, true);
        }
    }
}

static void *worker_main(void *arg)
{
    vci_pool *p = arg;
    pthread_mutex_lock(&p->mu);
    unsigned worker = ++p->started; /* 1..size-1 */
    uint64_t seen = 0; /* generation 0 is "no job yet" */
    for (;;) {
        while (!p->shutdown && p->generation == seen)
            pthread_cond_wait(&p->work_cv, &p->mu);
        if (p->shutdown)
            break;
        seen = p->generation;
        pthread_mutex_unlock(&p->mu);
        vc_status unused = VC_OK;
        run_tasks(p, worker, NULL, &unused, NULL);
        pthread_mutex_lock(&p->mu);
        if (--p->busy == 0)
            pthread_cond_signal(&p->done_cv);
    }
    pthread_mutex_unlock(&p->mu);
    return NULL;
}

static void stop_threads(vci_pool *p, unsigned n)
{
    pthread_mutex_lock(&p->mu);
    p->shutdown = true;
    pthread_cond_broadcast(&p->work_cv);
    pthread_mutex_unlock(&p->mu);
    for (unsigned i = 0; i < n; i++)
        pthread_join(p->threads[i], NULL);
}

vc_status vci_pool_new(vci_pool **out, unsigned nthreads)
{
    *out = NULL;
    vci_pool *p = vci_calloc(1, sizeof *p);
    if (!p)
        return VC_ERR_NOMEM;
    p->size = vci_thread_count(nthreads);
    if (p->size > 1) {
        p->threads = vci_calloc(p->size - 1, sizeof *p->threads);
        if (!p->threads) {
            vci_free(p);
            return VC_ERR_NOMEM;
        }
    }
    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->work_cv, NULL);
    pthread_cond_init(&p->done_cv, NULL);
    for (unsigned i = 0; i + 1 < p->size; i++) {
        if (pthread_create(&p->threads[i], NULL, worker_main, p) != 0) {
            stop_threads(p, i);
            p->size = 1; /* nothing left to join in vci_pool_free */
            vci_pool_free(p);
            return vci_error(VC_ERR_NOMEM, "could not start thread %u of %u",
                             i + 2, vci_thread_count(nthreads));
        }
    }
    *out = p;
    return VC_OK;
}

vc_status vci_pool_for_options(vci_pool **out, const vc_options *opts)
{
    return vci_pool_new(out, vci_thread_count(vci_opt_int(opts, VCI_OPT_THREADS)));
}

void vci_pool_free(vci_pool *p)
{
    if (!p)
        return;
    if (p->size > 1)
        stop_threads(p, p->size - 1);
    pthread_cond_destroy(&p->done_cv);
    pthread_cond_destroy(&p->work_cv);
    pthread_mutex_destroy(&p->mu);
    vci_free(p->threads);
    vci_free(p);
}

unsigned vci_pool_size(const vci_pool *p)
{
    return p ? p->size : 1;
}

static vc_status run_inline(size_t ntasks, vci_task_fn fn, void *ctx,
                            const vci_progress *prog)
{
    for (size_t t = 0; t < ntasks; t++) {
        VCI_CHECK(fn(ctx, t, 0));
        if (prog)
            VCI_CHECK(vci_progress_report(prog, (double)(t + 1) / (double)ntasks));
    }
    return VC_OK;
}

vc_status vci_parallel_for(vci_pool *p, size_t ntasks, vci_task_fn fn,
                           void *ctx, const vci_progress *prog)
{
    if (ntasks == 0)
        return VC_OK;
    if (!p || p->size == 1 || ntasks == 1)
        return run_inline(ntasks, fn, ctx, prog);

    pthread_mutex_lock(&p->mu);
    p->fn = fn;
    p->ctx = ctx;
    p->ntasks = ntasks;
    atomic_store(&p->next, 0);
    atomic_store(&p->completed, 0);
    atomic_store(&p->stop, false);
    p->fail_task = SIZE_MAX;
    p->fail_status = VC_OK;
    p->busy = p->size - 1;
    p->generation++;
    pthread_cond_broadcast(&p->work_cv);
    pthread_mutex_unlock(&p->mu);

    vc_status cancel = VC_OK;
    size_t reported = 0;
    run_tasks(p, 0, prog, &cancel, &reported);

    pthread_mutex_lock(&p->mu);
    while (p->busy > 0)
        pthread_cond_wait(&p->done_cv, &p->mu);
    vc_status s = p->fail_status;
    pthread_mutex_unlock(&p->mu);

    /* The helpers may have finished the last tasks: the callback still
     * sees the stage complete, and may cancel there, as inline. */
    if (prog && s == VC_OK && cancel == VC_OK && reported < ntasks)
        cancel = vci_progress_report(prog, 1.0);

    if (s != VC_OK)
        return vci_error(s, "%s", p->fail_message);
    if (cancel != VC_OK)
        return vci_error(cancel, "cancelled by the progress callback during '%s'",
                         prog->stage);
    return VC_OK;
}
