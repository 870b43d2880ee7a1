// The MPI job and its ranks as a Communicator (mpi_job.hpp, communicator.hpp): MPI_COMM_WORLD,
// non-blocking all-reduces for gradient buckets, blocking ones for small sums and checks.
// Only the thread that joined calls MPI (MPI_THREAD_FUNNELED); team workers never do.
#include <mpi.h>

#include <climits>
#include <cstdlib>
#include <vector>

#include "mlp/error.hpp"
#include "mlp/mpi_job.hpp"

namespace mlp {
namespace {

constexpr const char* kChildOfRank = "MLP_CHILD_OF_MPI_RANK";

// x_in ⊕ x_inout → x_inout. Declared non-commutative to MPI (MPI_Op_create(..., 0, ...)),
// which obliges it to combine the ranks' vectors in rank order, x_0 + x_1 + … + x_{N−1};
// Open MPI then reduces to one rank and broadcasts, so every rank gets the same bits and
// the result depends on N alone, never on timing or on which algorithm a size selects.
template <class T>
void sum_in_rank_order(void* in, void* inout, int* n, MPI_Datatype*) {
    const T* a = static_cast<const T*>(in);
    T* b = static_cast<T*>(inout);
    for (int i = 0; i < *n; ++i) b[i] = a[i] + b[i];
}

// The work queue: rank 0 keeps the next task's index; another rank sends it a request
// (kWant: a task, kLeaving: no more) and waits for the answer (a task, or −1). Its messages
// travel on a communicator of their own, so they never meet the training's.
class MpiTaskQueue final : public TaskQueue {
public:
    MpiTaskQueue(int count, int rank, int ranks) : count_(count), rank_(rank), ranks_(ranks) {
        MPI_Comm_dup(MPI_COMM_WORLD, &comm_);
    }
    ~MpiTaskQueue() override { MPI_Comm_free(&comm_); }

    int take() override {
        if (rank_ == 0) {
            serve();
            return closed_ || next_ >= count_ ? -1 : next_++;
        }
        if (left_) return -1;
        int request = kWant, task = -1;
        MPI_Send(&request, 1, MPI_INT, 0, kRequest, comm_);
        MPI_Recv(&task, 1, MPI_INT, 0, kAnswer, comm_, MPI_STATUS_IGNORE);
        if (task < 0) left_ = true;
        return task;
    }
    void serve() override {
        if (rank_ != 0) return;
        for (;;) {
            int waiting = 0;
            MPI_Status status;
            MPI_Iprobe(MPI_ANY_SOURCE, kRequest, comm_, &waiting, &status);
            if (!waiting) return;
            answer(status.MPI_SOURCE);
        }
    }
    void leave() override {
        if (rank_ != 0) {
            if (left_) return;
            int request = kLeaving;
            MPI_Send(&request, 1, MPI_INT, 0, kRequest, comm_);
            left_ = true;
            return;
        }
        closed_ = true;
        while (gone_ < ranks_ - 1) {  // every other rank ends with −1 or a kLeaving
            MPI_Status status;
            MPI_Probe(MPI_ANY_SOURCE, kRequest, comm_, &status);
            answer(status.MPI_SOURCE);
        }
    }

private:
    enum : int { kRequest = 1, kAnswer = 2, kWant = 0, kLeaving = 1 };
    void answer(int source) {
        int request = 0;
        MPI_Recv(&request, 1, MPI_INT, source, kRequest, comm_, MPI_STATUS_IGNORE);
        if (request == kLeaving) {
            ++gone_;
            return;
        }
        int task = closed_ || next_ >= count_ ? -1 : next_++;
        if (task < 0) ++gone_;
        MPI_Send(&task, 1, MPI_INT, source, kAnswer, comm_);
    }

    int count_, rank_, ranks_;
    MPI_Comm comm_ = MPI_COMM_NULL;
    int next_ = 0;         // rank 0: the next task handed out
    int gone_ = 0;         // rank 0: ranks that have left
    bool closed_ = false;  // rank 0: no more tasks handed out
    bool left_ = false;    // other ranks: told −1, or said they leave
};

class MpiCommunicator final : public Communicator {
public:
    MpiCommunicator() {
        MPI_Comm_rank(MPI_COMM_WORLD, &rank_);
        MPI_Comm_size(MPI_COMM_WORLD, &size_);
        MPI_Op_create(&sum_in_rank_order<float>, 0, &float_sum_);
        MPI_Op_create(&sum_in_rank_order<double>, 0, &double_sum_);
    }
    ~MpiCommunicator() override {
        wait_sums();
        MPI_Op_free(&float_sum_);
        MPI_Op_free(&double_sum_);
    }
    int rank() const override { return rank_; }
    int size() const override { return size_; }

    void start_sum(float* x, std::size_t n) override {
        require(n <= std::size_t(INT_MAX), "MPI: a gradient bucket of " + std::to_string(n) + " floats, expected at most 2^31 - 1");
        MPI_Request request;
        MPI_Iallreduce(MPI_IN_PLACE, x, int(n), MPI_FLOAT, float_sum_, MPI_COMM_WORLD, &request);
        requests_.push_back(request);
    }
    void progress() override {
        int done = 0;
        if (!requests_.empty()) MPI_Testall(int(requests_.size()), requests_.data(), &done, MPI_STATUSES_IGNORE);
    }
    void wait_sums() override {
        if (!requests_.empty()) MPI_Waitall(int(requests_.size()), requests_.data(), MPI_STATUSES_IGNORE);
        requests_.clear();
    }
    void sum(double* x, int n) override { MPI_Allreduce(MPI_IN_PLACE, x, n, MPI_DOUBLE, double_sum_, MPI_COMM_WORLD); }
    bool any(bool flag) override {
        int value = flag ? 1 : 0;
        MPI_Allreduce(MPI_IN_PLACE, &value, 1, MPI_INT, MPI_LOR, MPI_COMM_WORLD);
        return value != 0;
    }
    std::vector<std::uint64_t> gather(std::uint64_t value) override {
        std::vector<std::uint64_t> all(size_);
        MPI_Allgather(&value, 1, MPI_UINT64_T, all.data(), 1, MPI_UINT64_T, MPI_COMM_WORLD);
        return all;
    }
    std::unique_ptr<TaskQueue> tasks(int count) override {
        return std::make_unique<MpiTaskQueue>(count, rank_, size_);
    }

private:
    int rank_ = 0, size_ = 1;
    MPI_Op float_sum_ = MPI_OP_NULL, double_sum_ = MPI_OP_NULL;
    std::vector<MPI_Request> requests_;
};

class OpenJob final : public MpiJob {
public:
    OpenJob(int& argc, char**& argv) {
        int provided = 0;
        MPI_Init_thread(&argc, &argv, MPI_THREAD_FUNNELED, &provided);
        setenv(kChildOfRank, "1", 1);
        world_ = std::make_unique<MpiCommunicator>();
    }
    ~OpenJob() override {
        world_.reset();
        MPI_Finalize();
    }
    Communicator& world() override { return *world_; }
    [[noreturn]] void abort(int code) override {
        MPI_Abort(MPI_COMM_WORLD, code);
        std::_Exit(code);
    }

private:
    std::unique_ptr<MpiCommunicator> world_;
};

// Open MPI's mpirun sets OMPI_COMM_WORLD_SIZE, MPICH's Hydra PMI_SIZE.
// A process a rank starts (a search's trial) inherits that environment but is no rank:
// kChildOfRank marks it.
bool launched_by_mpi() {
    return !std::getenv(kChildOfRank) && (std::getenv("OMPI_COMM_WORLD_SIZE") || std::getenv("PMI_SIZE"));
}

}  // namespace

std::unique_ptr<MpiJob> join_mpi_job(int& argc, char**& argv) {
    if (!launched_by_mpi()) return nullptr;
    return std::make_unique<OpenJob>(argc, argv);
}

bool mpi_built() { return true; }

}  // namespace mlp
