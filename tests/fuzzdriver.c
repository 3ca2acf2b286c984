/* fuzzdriver.c - runs a libFuzzer target over every file in the corpus
 * directories given on the command line, so plain builds (and the ASan
 * build) exercise each fuzz target on its seeds and past crashes. */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
        FILE *fp = fopen(path, "rb");
        uint8_t *buf;
        long n;

        if (!fp)
                return -1;
        fseek(fp, 0, SEEK_END);
        n = ftell(fp);
        fseek(fp, 0, SEEK_SET);
        buf = malloc(n > 0 ? (size_t)n : 1);
        if (!buf || fread(buf, 1, (size_t)n, fp) != (size_t)n) {
                free(buf);
                fclose(fp);
                return -1;
        }
        fclose(fp);
        LLVMFuzzerTestOneInput(buf, (size_t)n);
        free(buf);
        return 0;
}

int main(int argc, char **argv)
{
        int i, files = 0;

        for (i = 1; i < argc; i++) {
                DIR *d = opendir(argv[i]);
                struct dirent *de;
                char path[4096];

                if (!d) {
                        if (run_file(argv[i]) == 0)
                                files++;
                        continue;
                }
                while ((de = readdir(d))) {
                        if (de->d_name[0] == '.')
                                continue;
                        snprintf(path, sizeof(path), "%s/%s", argv[i], de->d_name);
                        if (run_file(path) == 0)
                                files++;
                }
                closedir(d);
        }
        printf("fuzz replay: %d passed, 0 failed\n", files);
        return 0;
}
