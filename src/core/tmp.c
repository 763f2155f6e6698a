/* Temporary files and directories on their way to a rename: registered so
 * that an interrupted process can remove them (bnn_tmp_cleanup, from a
 * signal handler), and swept by the next run when a dead process left them. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "bnnsim/io.h"
#include "core/util.h"

#define SLOTS 16

static struct {
    volatile sig_atomic_t used, is_dir;
    char path[4200];
} slots[SLOTS];

void bnn__tmp_name(const char *path, char *out, size_t cap) { snprintf(out, cap, "%s.tmp%ld", path, (long)getpid()); }

void bnn__tmp_register(const char *path, int is_dir)
{
    for (int i = 0; i < SLOTS; i++)
        if (!slots[i].used) {
            snprintf(slots[i].path, sizeof slots[i].path, "%s", path);
            slots[i].is_dir = is_dir;
            slots[i].used = 1;
            return;
        }
}

void bnn__tmp_unregister(const char *path)
{
    for (int i = 0; i < SLOTS; i++)
        if (slots[i].used && !strcmp(slots[i].path, path)) slots[i].used = 0;
}

static void rm_tree(const char *p, int depth)
{
    DIR *d = depth < 8 ? opendir(p) : NULL;
    if (d) {
        struct dirent *e;
        char sub[4400];
        while ((e = readdir(d)))
            if (strcmp(e->d_name, ".") && strcmp(e->d_name, "..")) {
                snprintf(sub, sizeof sub, "%s/%s", p, e->d_name);
                rm_tree(sub, depth + 1);
            }
        closedir(d);
        rmdir(p);
        return;
    }
    unlink(p);
}

void bnn_tmp_cleanup(void)
{
    for (int i = 0; i < SLOTS; i++)
        if (slots[i].used) {
            if (slots[i].is_dir) rm_tree(slots[i].path, 0);
            else unlink(slots[i].path);
            slots[i].used = 0;
        }
}

/* DIR/BASE.tmpPID or DIR/BASE.partial-PID with PID no longer running. */
void bnn__sweep_stale(const char *path)
{
    char dir[4096];
    bnn__dirname(path, dir, sizeof dir);
    const char *base = bnn__basename(path);
    size_t bl = strlen(base);
    DIR *d = opendir(dir[0] ? dir : ".");
    if (!d) return;
    struct dirent *e;
    while ((e = readdir(d))) {
        if (strncmp(e->d_name, base, bl)) continue;
        const char *rest = e->d_name + bl;
        const char *num = !strncmp(rest, ".tmp", 4) ? rest + 4 : !strncmp(rest, ".partial-", 9) ? rest + 9 : NULL;
        if (!num || !*num) continue;
        char *end;
        long pid = strtol(num, &end, 10);
        if (*end || pid <= 0 || pid == (long)getpid()) continue;
        if (kill((pid_t)pid, 0) == 0 || errno == EPERM) continue; /* still running */
        char full[4400];
        snprintf(full, sizeof full, "%s%s", dir, e->d_name);
        rm_tree(full, 0);
    }
    closedir(d);
}
