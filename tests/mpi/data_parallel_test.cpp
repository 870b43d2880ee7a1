// Data-parallel training against one process, run as every rank of an MPI job
// (mpirun -np N mlp_mpi_tests, from ctest for N = 2 and 3). Each rank trains the same
// config twice: over the job's ranks, and alone (the reference), and compares. Also: the
// same config, seed and N give the same bits run after run and on every rank; a rank
// with no rows of a batch (B < N) still takes part; a checkpoint of a data-parallel run
// resumed by one process, and one process's resumed by the ranks, end where the
// uninterrupted run does. The same cases over in-process ranks: tests/unit/data_parallel_test.cpp.
#include <gtest/gtest.h>

#include "mlp/mpi_job.hpp"
#include "../unit/data_parallel_cases.hpp"

namespace mlp {
namespace {

using namespace mlp::test;

Communicator* g_world = nullptr;  // the job's ranks, set by main before the tests run

class DataParallel : public ::testing::TestWithParam<Case> {
protected:
    DataSplits data = data_parallel_data();
};

TEST_P(DataParallel, MatchesOneProcessWithTheSameGlobalBatch) {
    ASSERT_NE(g_world, nullptr);
    const Case c = GetParam();
    const Outcome ranks = train(c, data, g_world);
    const Outcome alone = train(c, data, nullptr);
    expect_close(ranks.params, alone.params);
    expect_close_history(ranks.result.history, alone.result.history);
}

TEST_P(DataParallel, SameBitsRunAfterRunAndOnEveryRank) {
    const Case c = GetParam();
    const Outcome first = train(c, data, g_world);
    const Outcome second = train(c, data, g_world);
    EXPECT_TRUE(same_bits(first.params, second.params));
    EXPECT_TRUE(ranks_differing(*g_world, hash_of(first.params)).empty());
}

TEST_P(DataParallel, CheckpointResumesOnAnotherNumberOfRanks) {
    const Case c = GetParam();
    const Outcome whole = train(c, data, g_world);
    Checkpoint at4;
    train(c, data, g_world, nullptr, 4, &at4);  // stopped after 4 steps by N ranks
    expect_close(train(c, data, nullptr, &at4).params, whole.params);  // finished by one process
    Checkpoint alone_at4;
    train(c, data, nullptr, nullptr, 4, &alone_at4);  // and the other way round
    expect_close(train(c, data, g_world, &alone_at4).params, whole.params);
}

INSTANTIATE_TEST_SUITE_P(Cases, DataParallel, ::testing::ValuesIn(kDataParallelCases),
                         [](const auto& info) { return info.param.name; });

TEST(DataParallelJob, EveryRankTakesPart) {
    ASSERT_NE(g_world, nullptr);
    EXPECT_GE(g_world->size(), 2);
    const std::vector<std::uint64_t> ranks = g_world->gather(std::uint64_t(g_world->rank()));
    for (int r = 0; r < g_world->size(); ++r) EXPECT_EQ(ranks[r], std::uint64_t(r));
}

}  // namespace
}  // namespace mlp
// Joins the job before the tests and leaves it after; a rank whose tests fail makes the
// job fail (mpirun exits non-zero when any rank does).
int main(int argc, char** argv) {
    std::unique_ptr<mlp::MpiJob> job = mlp::join_mpi_job(argc, argv);
    if (!job) {
        std::fprintf(stderr, "mlp_mpi_tests: run under mpirun -np N (N >= 2)\n");
        return 1;
    }
    mlp::g_world = &job->world();
    ::testing::InitGoogleTest(&argc, argv);
    if (mlp::g_world->rank() != 0) {  // one rank's report is enough; failures still set the exit code
        auto& listeners = ::testing::UnitTest::GetInstance()->listeners();
        delete listeners.Release(listeners.default_result_printer());
    }
    const int failed = RUN_ALL_TESTS();
    return failed;
}
