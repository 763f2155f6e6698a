/* The VCD waveform parsed back: its header declares every node and FIFO,
 * time only moves forward, each node's time in each state adds up to the
 * simulation's own counters, each FIFO's peak count is the simulation's,
 * and valid/ready follow the count at every step. */
#include <sys/wait.h>

#include "test-util.h"

struct sig {
    char id[8], name[128];
    int width;
    long long val;
};

struct vcd {
    struct sig s[512];
    int n;
    long long ps; /* one cycle */
};

static struct sig *find(struct vcd *v, const char *id)
{
    for (int i = 0; i < v->n; i++)
        if (!strcmp(v->s[i].id, id)) return &v->s[i];
    fail_msg("VCD: value for undeclared identifier '%s'", id);
    return NULL;
}

static struct sig *by_name(struct vcd *v, const char *name)
{
    for (int i = 0; i < v->n; i++)
        if (!strcmp(v->s[i].name, name)) return &v->s[i];
    fail_msg("VCD: no signal %s", name);
    return NULL;
}

/* one value change line: "b0101 id" or "1id" */
static void change(struct vcd *v, char *line)
{
    long long x = 0;
    char *id;
    if (line[0] == 'b') {
        char *sp = strchr(line, ' ');
        if (!sp) fail_msg("VCD: bad vector change '%s'", line);
        *sp = 0;
        for (char *b = line + 1; *b; b++) {
            if (*b != '0' && *b != '1') fail_msg("VCD: bit '%c' in '%s'", *b, line);
            x = x * 2 + (*b - '0');
        }
        id = sp + 1;
        struct sig *s = find(v, id);
        if ((int)strlen(line + 1) != s->width) fail_msg("VCD: %s: %zu bits, declared %d", s->name, strlen(line + 1), s->width);
        s->val = x;
    } else if (line[0] == '0' || line[0] == '1') {
        struct sig *s = find(v, line + 1);
        if (s->width != 1) fail_msg("VCD: scalar change of the %d-bit %s", s->width, s->name);
        s->val = line[0] - '0';
    } else {
        fail_msg("VCD: unexpected line '%s'", line);
    }
}

static void test_vcd_parses_back(void **state)
{
    (void)state;
    const char *nets[][2] = {{"data/cnv.json", "data/cnv-fix.fold.json"}, {"data/tfc.json", "data/tfc-pynq.fold.json"}};
    for (int t = 0; t < 2; t++) {
        struct bnn_net *net;
        struct bnn_fold *fold;
        ASSERT_OK(bnn_net_load(nets[t][0], &net));
        ASSERT_OK(bnn_fold_load(nets[t][1], net, &fold));
        struct bnn_hw_options ho;
        bnn_hw_options_default(&ho);
        ho.clock_mhz = t ? 100 : 200;
        struct bnn_hw_pipeline *p;
        ASSERT_OK(bnn_hw_build(net, fold, &ho, nets[t][1], &p));
        const char *path = test_path("run.vcd");
        struct bnn_sim_result *r;
        ASSERT_OK(bnn_hw_simulate_vcd(p, 3, path, &r));
        /* the same run without the recorder */
        struct bnn_sim_options so = {.frames = 3, .every_cycle = 1};
        struct bnn_sim_result *ref;
        ASSERT_OK(bnn_hw_simulate(p, &so, &ref));
        assert_int_equal(r->cycles, ref->cycles);

        FILE *f = fopen(path, "r");
        assert_non_null(f);
        static struct vcd v;
        memset(&v, 0, sizeof v);
        v.ps = (long long)(1e6 / ho.clock_mhz + 0.5);
        char line[512];
        int defs = 1, timescale = 0;
        long long now = 0, changes = 0;
        int64_t(*in_state)[4] = calloc((size_t)p->n_nodes, sizeof *in_state);
        int64_t *since = calloc((size_t)p->n_nodes, sizeof *since), *peak = calloc((size_t)p->n_links, sizeof *peak);
        while (fgets(line, sizeof line, f)) {
            line[strcspn(line, "\n")] = 0;
            if (defs) {
                char w[16], id[8], name[128];
                int width;
                if (sscanf(line, "$var %15s %d %7s %127s $end", w, &width, id, name) == 4) {
                    assert_true(v.n < 512);
                    struct sig *s = &v.s[v.n++];
                    snprintf(s->id, sizeof s->id, "%s", id);
                    snprintf(s->name, sizeof s->name, "%s", name);
                    s->width = width;
                }
                if (!strcmp(line, "$timescale 1ps $end")) timescale = 1;
                if (!strcmp(line, "$enddefinitions $end")) defs = 0;
                continue;
            }
            if (line[0] == '#') {
                long long tt = atoll(line + 1);
                if (tt <= now && changes) fail_msg("VCD: time %lld after %lld", tt, now);
                if (tt % v.ps) fail_msg("VCD: time %lld is not a whole cycle of %lld ps", tt, v.ps);
                /* the state held until now counts for the time that passed */
                for (int32_t i = 0; i < p->n_nodes; i++) {
                    char nm[160];
                    snprintf(nm, sizeof nm, "%s.state", p->nodes[i].name);
                    struct sig *s = by_name(&v, nm);
                    in_state[i][s->val] += (tt - now) / v.ps;
                }
                /* valid and ready follow the count at every step (once values were dumped) */
                for (int32_t l = 0; l < p->n_links && changes; l++) {
                    if (p->links[l].kind != BNN_LINK_FIFO) continue;
                    char nm[160];
                    snprintf(nm, sizeof nm, "%s.count", p->links[l].name);
                    long long c = by_name(&v, nm)->val;
                    snprintf(nm, sizeof nm, "%s.valid", p->links[l].name);
                    assert_int_equal(by_name(&v, nm)->val, c > 0);
                    snprintf(nm, sizeof nm, "%s.ready", p->links[l].name);
                    assert_int_equal(by_name(&v, nm)->val, c < p->links[l].depth);
                    if (c > peak[l]) peak[l] = c;
                }
                now = tt;
                changes++;
                continue;
            }
            if (!strcmp(line, "$dumpvars") || !strcmp(line, "$end")) continue;
            change(&v, line);
        }
        fclose(f);
        assert_true(timescale);
        assert_int_equal(v.n, p->n_nodes + 3 * (p->n_links)); /* every link of these pipelines is a FIFO */
        assert_int_equal(now / v.ps, r->cycles);
        for (int32_t i = 0; i < p->n_nodes; i++) {
            const struct bnn_sim_node_stats *s = &ref->node[i];
            if (in_state[i][1] != s->busy || in_state[i][2] != s->stall_in || in_state[i][3] != s->stall_out ||
                in_state[i][0] != s->idle)
                fail_msg("%s: the VCD has busy %lld, stalled in %lld, out %lld, idle %lld; the simulation %lld, %lld, %lld, "
                         "%lld", p->nodes[i].name, (long long)in_state[i][1], (long long)in_state[i][2],
                         (long long)in_state[i][3], (long long)in_state[i][0], (long long)s->busy, (long long)s->stall_in,
                         (long long)s->stall_out, (long long)s->idle);
        }
        /* the VCD holds end-of-cycle counts; the simulator's peak also sees a word
         * pushed before the same cycle's pop is stepped: at most one more */
        int exact = 0;
        for (int32_t l = 0; l < p->n_links; l++) {
            if (peak[l] > ref->link[l].max_occupancy || peak[l] < ref->link[l].max_occupancy - 1)
                fail_msg("%s: peak count %lld in the VCD, %lld simulated", p->links[l].name, (long long)peak[l],
                         (long long)ref->link[l].max_occupancy);
            exact += peak[l] == ref->link[l].max_occupancy;
        }
        assert_true(exact > p->n_links / 2);
        printf("%s: %lld time steps, %d signals, %lld cycles, every node's state time equal\n", nets[t][0],
               changes, v.n, (long long)r->cycles);
        /* GTKWave's own converter reads it, where GTKWave is installed */
        if (system("command -v vcd2fst >/dev/null 2>&1") == 0) {
            char cmd[9000];
            snprintf(cmd, sizeof cmd, "vcd2fst %s %s >/dev/null 2>&1", path, test_path("run.fst"));
            assert_int_equal(system(cmd), 0);
            assert_true(test_exists(test_path("run.fst")));
        } else {
            printf("(vcd2fst not installed: GTKWave's own reader not tried)\n");
        }
        free(in_state);
        free(since);
        free(peak);
        bnn_sim_result_free(r);
        bnn_sim_result_free(ref);
        bnn_hw_free(p);
        bnn_fold_free(fold);
        bnn_net_free(net);
    }
    /* bad requests are named */
    struct bnn_net *net;
    struct bnn_fold *fold;
    struct bnn_hw_pipeline *p;
    struct bnn_sim_result *r;
    struct bnn_hw_options ho;
    bnn_hw_options_default(&ho);
    ASSERT_OK(bnn_net_load("data/tfc.json", &net));
    ASSERT_OK(bnn_fold_load("data/tfc-pynq.fold.json", net, &fold));
    ASSERT_OK(bnn_hw_build(net, fold, &ho, "tfc", &p));
    ASSERT_ERR(bnn_hw_simulate_vcd(p, 0, test_path("z.vcd"), &r), "z.vcd: a waveform covers 1..4096 frames");
    assert_false(test_exists(test_path("z.vcd")));
    bnn_hw_free(p);
    bnn_fold_free(fold);
    bnn_net_free(net);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_vcd_parses_back),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
