// Rng: reproducible streams, unbiased ranges, sane moments.
#include <gtest/gtest.h>

#include "mlp/rng.hpp"

namespace mlp {

TEST(Rng, SameSeedSameStream) {
    Rng a(42), b(42), c(43);
    for (int i = 0; i < 100; ++i) {
        const auto x = a.next();
        EXPECT_EQ(x, b.next());
        EXPECT_NE(x, c.next());
    }
}

TEST(Rng, NormalHasUnitMoments) {
    Rng rng(7);
    double sum = 0, sum_sq = 0;
    const int n = 200000;
    for (int i = 0; i < n; ++i) {
        const double x = rng.normal();
        sum += x;
        sum_sq += x * x;
    }
    EXPECT_NEAR(sum / n, 0.0, 0.01);
    EXPECT_NEAR(sum_sq / n, 1.0, 0.01);
}

TEST(Rng, ShuffleIsAPermutation) {
    Rng rng(1);
    std::vector<int> items(1000);
    for (int i = 0; i < 1000; ++i) items[i] = i;
    rng.shuffle(items);
    std::vector<int> sorted = items;
    std::sort(sorted.begin(), sorted.end());
    for (int i = 0; i < 1000; ++i) EXPECT_EQ(sorted[i], i);
    int fixed = 0;
    for (int i = 0; i < 1000; ++i) fixed += items[i] == i;
    EXPECT_LT(fixed, 20);
}

TEST(Rng, PurposesAreIndependent) {
    Rng a = Rng::for_purpose(5, "init"), b = Rng::for_purpose(5, "shuffle");
    EXPECT_NE(a.next(), b.next());
}

TEST(Rng, RestoredStateContinuesTheStream) {
    Rng a(9);
    a.normal();  // leaves a spare normal cached, which the state must carry
    for (int i = 0; i < 10; ++i) a.next();
    const Rng::State saved = a.state();
    const double spare = a.normal();
    const std::uint64_t next = a.next();
    Rng b(1234);
    b.restore(saved);
    EXPECT_EQ(b.normal(), spare);
    EXPECT_EQ(b.next(), next);
}

}  // namespace mlp
