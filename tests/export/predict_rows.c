/* Runs an exported C99 header (model.h, found on the include path) on CSV rows of raw
   features read from stdin and prints the probabilities as CSV: the C half of
   tests/unit/export_test.cpp. Built with gcc -std=c99 -Wall -Wextra -Werror -pedantic. */
#include <stdio.h>
#include <stdlib.h>

#include "model.h"

int main(void) {
    static char line[1 << 16];
    float x[MLP_INPUTS], probs[MLP_CLASSES];
    while (fgets(line, sizeof line, stdin)) {
        char* p = line;
        int i, k;
        for (i = 0; i < MLP_INPUTS; ++i) {
            char* end;
            x[i] = strtof(p, &end);
            if (end == p) {
                fprintf(stderr, "predict_rows: row has fewer than %d values\n", MLP_INPUTS);
                return 1;
            }
            p = *end == ',' ? end + 1 : end;
        }
        mlp_predict(x, probs);
        for (k = 0; k < MLP_CLASSES; ++k) printf("%s%.9g", k ? "," : "", (double)probs[k]);
        printf("\n");
    }
    return 0;
}
