// The thread team: every rank runs a job exactly once, nested jobs run inline, and
// split_range covers [0, n) with aligned, disjoint parts.
#include <gtest/gtest.h>

#include <atomic>
#include <vector>

#include "mlp/error.hpp"
#include "mlp/thread_team.hpp"

namespace mlp {
namespace {

TEST(ThreadTeam, EveryRankRunsEachJobOnce) {
    ThreadTeam team(2);
    for (int job = 0; job < 1000; ++job) {
        std::atomic<int> seen[2] = {0, 0};
        std::atomic<int> sizes{0};
        team.run([&](int rank, int size) {
            seen[rank].fetch_add(1);
            sizes.fetch_add(size);
        });
        ASSERT_EQ(seen[0].load(), 1);
        ASSERT_EQ(seen[1].load(), 1);
        ASSERT_EQ(sizes.load(), 4);
    }
}

TEST(ThreadTeam, NestedJobsRunInlineOnOneRank) {
    ThreadTeam team(2), other(2);
    std::atomic<int> inner{0};
    team.run([&](int, int) {
        EXPECT_TRUE(in_team_job());
        other.run([&](int rank, int size) {  // a job of any team runs inline inside one
            EXPECT_EQ(rank, 0);
            EXPECT_EQ(size, 1);
            inner.fetch_add(1);
        });
    });
    EXPECT_EQ(inner.load(), 2);
    EXPECT_FALSE(in_team_job());
}

TEST(ThreadTeam, SplitRangeCoversEverythingOnce) {
    for (long n : {0L, 1L, 15L, 16L, 17L, 1000L, 50890L})
        for (int parts : {1, 2, 3, 7})
            for (long align : {1L, 16L}) {
                std::vector<int> hits(n, 0);
                long previous_end = 0;
                for (int p = 0; p < parts; ++p) {
                    const Range r = split_range(n, parts, p, align);
                    EXPECT_EQ(r.begin, previous_end);
                    if (r.end < n) {
                        EXPECT_EQ(r.end % align, 0);
                    }
                    for (long i = r.begin; i < r.end; ++i) ++hits[i];
                    previous_end = r.end;
                }
                EXPECT_EQ(previous_end, n);
                for (long i = 0; i < n; ++i) ASSERT_EQ(hits[i], 1) << n << " " << parts;
            }
}

TEST(ThreadTeam, SizeOutOfRangeIsAnError) { EXPECT_THROW(ThreadTeam(0), Error); }

}  // namespace
}  // namespace mlp
