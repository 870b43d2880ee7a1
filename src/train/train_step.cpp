// The training step, on one thread or shared over the team by hidden units (see
// train_step.hpp for the phases and why each rank works in a shard of its own).
#include "mlp/train_step.hpp"

#include <algorithm>
#include <atomic>

#include "mlp/activation.hpp"
#include "mlp/cpu.hpp"
#include "mlp/dense.hpp"

namespace mlp {
namespace {

// dst(i, :) = src(i, :) for rows × cols floats, each matrix with its own row stride.
void copy_rows(const float* src, std::size_t src_ld, float* dst, std::size_t dst_ld, int rows, int cols) {
    for (int i = 0; i < rows; ++i) std::copy(src + i * src_ld, src + i * src_ld + cols, dst + i * dst_ld);
}

// Copies rows × cols floats between a strided and a packed matrix, either way.
void move_block(float* strided, std::size_t ld, float* packed, int rows, int cols, bool to_packed) {
    if (to_packed) copy_rows(strided, ld, packed, cols, rows, cols);
    else copy_rows(packed, cols, strided, ld, rows, cols);
}

// Sizes rounded up to 16 floats, so every tensor and activation starts on its own cache line.
std::size_t lines(std::size_t n) { return (n + 15) / 16 * 16; }

// Floats kept free before and after each shard: the second of two shards allocated back to
// back updated its weights at a third of the first's speed (5 µs against 1.7 for
// 784-64-10 b32) until each had a page of its own on either side.
constexpr std::size_t kGuard = 1024;

}  // namespace

TrainStep::TrainStep(const Context& ctx, Network<float>& net, const OptimizerSettings& optimizer, const StepRules& rules)
    : ctx_(ctx),
      net_(net),
      optimizer_(optimizer, net.params.size()),
      rules_(rules),
      decay_(l2_decay(rules.l2)),
      bias_decay_(rules.l2_biases ? decay_ : 0.0f),
      masks_(DropoutStream::of_seed(rules.seed, 0)),
      augment_(AugmentStream::of_seed(rules.augment, rules.seed)),
      buckets_(net.layout()) {}

Range batch_share(int B, int ranks, int rank) { return split_range(B, ranks, rank); }

const Network<float>& TrainStep::network() const {
    sync();
    return net_;
}

const Optimizer& TrainStep::optimizer() const {
    sync();
    return optimizer_;
}

Network<float>& TrainStep::writable_network() {
    sync();
    return net_;
}

Optimizer& TrainStep::writable_optimizer() {
    sync();
    return optimizer_;
}

// Measured on the development machine (bench/NOTES.md): a phase costs the two cores about
// 2 µs of hand-off and copying, so sharing pays when a phase holds several µs of work:
// 784-64-10 b32 (1.6·10⁶ multiply-adds a phase) 39 → 27 µs a step, 784-[64]×3-10 b32
// (0.9·10⁶) 68 → 56 µs, but 784-[64]×10-10 b32 (0.4·10⁶) 105 → 108 µs and 784-64-10 b8
// (0.6·10⁶) 14 → 16 µs. One or two rows are a stream over the weights, which halves:
// 784-128-10 b1 18 → 11 µs. Where the mean phase is too small, the leading layers whose
// own phase is large enough are still shared and the rest run on the caller:
// 784-[64]×10-10 b32 then shares its first layer, 101 → 89 µs (AVX-512 only: on an AVX2
// Zen 3 that partial share made the step slower, 0.51 → 0.54 s/epoch, so below AVX-512 a
// step is shared whole or not at all). Decided by shape and instruction set alone, so a
// run's results never depend on timings.
int TrainStep::shared_layers(int threads, int batch) const {
    constexpr double kPhaseMadds = 7e5;
    const ParamLayout& layout = net_.layout();
    const int H = net_.layers() - 1;
    if (threads < 2 || H < 1) return 0;
    double madds = 0.0;
    for (const LayerLayout& layer : layout.layers) madds += 3.0 * batch * layer.in * layer.out;
    if (madds / (2 * H) >= kPhaseMadds || batch <= 2) return H;
    if (cpu_isa() != Isa::avx512) return 0;
    int shared = 0;
    while (shared < H && double(batch) * layout.layers[shared].in * layout.layers[shared].out >= kPhaseMadds)
        ++shared;
    return shared;
}

bool TrainStep::shares(int threads, int batch) const { return shared_layers(threads, batch) > 0; }

StepResult TrainStep::run(const BatchRows& rows, Workspace<float>& ws, int B, double lr) {
    masks_.step = augment_.step = optimizer_.steps + 1;
    augment_.row0 = 0;
    if (Communicator* comm = ctx_.ranks()) {
        const Range mine = batch_share(B, comm->size(), comm->rank());
        const int b = int(mine.end - mine.begin);
        augment_.row0 = int(mine.begin);
        gather_batch(*rows.subset, rows.order + mine.begin, b, *rows.norm, ws.input, ws.labels.data(), augmenting());
        if (rows.next_count > 0) {
            const Range next = batch_share(rows.next_count, comm->size(), comm->rank());
            prefetch_batch(*rows.subset, rows.next + next.begin, int(next.end - next.begin));
        }
        sync();
        return run_ranks(*comm, ws, B, int(mine.begin), b, lr);
    }
    const int shared = shared_layers(ctx_.threads(), ws.max_batch);
    if (shared > 0) return run_shared(&rows, ws, B, lr, shared);
    gather_batch(*rows.subset, rows.order, B, *rows.norm, ws.input, ws.labels.data(), augmenting());
    if (rows.next_count > 0) prefetch_batch(*rows.subset, rows.next, rows.next_count);
    sync();
    return run_serial(ws, B, lr);
}

StepResult TrainStep::run(Workspace<float>& ws, int B, double lr) {
    masks_.step = optimizer_.steps + 1;
    if (Communicator* comm = ctx_.ranks()) {  // this rank's share moves to the top of ws
        const Range mine = batch_share(B, comm->size(), comm->rank());
        const int b = int(mine.end - mine.begin), D = ws.input.cols;
        if (mine.begin > 0) {
            copy_rows(ws.input.row(int(mine.begin)), ws.input.ld, ws.input.data, ws.input.ld, b, D);
            std::copy(ws.labels.begin() + mine.begin, ws.labels.begin() + mine.end, ws.labels.begin());
        }
        sync();
        return run_ranks(*comm, ws, B, int(mine.begin), b, lr);
    }
    const int shared = shared_layers(ctx_.threads(), ws.max_batch);
    if (shared > 0) return run_shared(nullptr, ws, B, lr, shared);
    sync();
    return run_serial(ws, B, lr);
}

StepResult TrainStep::run_serial(Workspace<float>& ws, int B, double lr) {
    StepResult result;
    result.loss = net_.forward_backward(ctx_, ws, B, 0, {}, dropout(), nullptr, rules_.label_smoothing);
    optimizer_.begin_step(lr);
    result.finite = update_layers(0);
    return result;
}

// Forward and backward of this rank's rows, the gradients summed across ranks in buckets
// while backward goes on, the loss and hits summed, then the same update on every rank.
StepResult TrainStep::run_ranks(Communicator& comm, Workspace<float>& ws, int B, int row0, int b, double lr) {
    StepResult result;
    masks_.row0 = row0;
    buckets_.begin(comm, net_.grads.data());
    if (b > 0) {
        const RowShare share{B, [this](int l) { buckets_.layer_ready(l); }};
        result.loss = net_.forward_backward(ctx_, ws, b, 0, {}, dropout(), &share, rules_.label_smoothing);
    } else {
        net_.grads.fill(0.0f);
        buckets_.all_ready();
    }
    buckets_.finish();
    masks_.row0 = 0;
    double sums[2] = {result.loss.loss * b, double(result.loss.correct)};  // Σ row losses, hits
    comm.sum(sums, 2);
    result.loss.loss = sums[0] / B;
    result.loss.correct = int(sums[1]);
    optimizer_.begin_step(lr);
    result.finite = update_layers(0);
    return result;
}

// The optimizer's (prepared) update of layers [first, L) in the network itself, then
// max-norm on the hidden ones.
bool TrainStep::update_layers(int first) {
    bool finite = true;
    for (int l = first; l < net_.layers(); ++l) {
        const LayerLayout& layer = net_.layout().layers[l];
        finite &= optimizer_.update(net_.params, net_.grads, layer.w_offset, long(layer.in) * layer.out, decay_);
        if (layer.has_bias)
            finite &= optimizer_.update(net_.params, net_.grads, layer.b_offset, layer.out, bias_decay_);
        if (l + 1 < net_.layers()) max_norm(net_.weight(net_.params, l), rules_.max_norm);
    }
    return finite;
}

// Lays out one shard per rank for batches of up to `batch` rows, sharing the first
// `shared` hidden layers. Allocates; runs only when the team size, the batch or the
// shared layers change, never per step.
void TrainStep::build(int ranks, int batch, int shared) {
    const ParamLayout& layout = net_.layout();
    const int H = net_.layers() - 1, K = layout.layers.back().out;
    const std::size_t B = batch;
    int widest_in = 0;
    for (int l = 1; l < shared; ++l) widest_in = std::max(widest_in, layout.layers[l].in);
    batch_ = batch;
    shared_ = shared;
    shards_.clear();
    shards_.resize(ranks);
    for (int r = 0; r < ranks; ++r) {
        Shard& sh = shards_[r];
        std::size_t params = 0, act = 0;
        int widest = 0;
        for (int l = 0; l < shared; ++l) {
            const LayerLayout& layer = layout.layers[l];
            const Range units = split_range(layer.out, ranks, r, 16);
            Slice s;
            s.c0 = int(units.begin);
            s.w = int(units.end - units.begin);
            s.W = params, params += lines(std::size_t(layer.in) * s.w);
            s.b = params, params += lines(s.w);
            s.Z = act, act += lines(B * s.w);
            s.A = act, act += lines(B * s.w);
            if (net_.architecture().dropout > 0.0) {
                s.M = act, act += lines(B * s.w);
                s.D = act, act += lines(B * s.w);
            }
            if (l > 0) s.in = act, act += lines(B * layer.in);
            widest = std::max(widest, s.w);
            sh.layers.push_back(s);
        }
        if (shared == H) {
            sh.W_out = params, params += lines(std::size_t(sh.layers.back().w) * K);
            sh.b_out = params, params += lines(K);
            if (r > 0) sh.out_logits = act, act += lines(B * K);
            if (r > 0) sh.out_dz = act, act += lines(B * K);
        } else if (r == 0) {
            sh.grad_in = act, act += lines(B * layout.layers[shared].in);
        }
        sh.dz = act, act += lines(B * widest);
        if (r > 0) sh.input = act, act += lines(B * layout.layers[0].in);
        if (r > 0 && net_.architecture().input_dropout > 0.0) sh.dropped = act, act += lines(B * layout.layers[0].in);
        sh.logits = act, act += lines(B * K);
        for (std::size_t& p : sh.partial) p = act, act += lines(B * widest_in);
        const int tensors = 2 + (optimizer_.first.size() > 0) + (optimizer_.second.size() > 0);
        sh.memory = Buffer<float>(kGuard + tensors * params + act + kGuard);
        float* p = sh.memory.data() + kGuard;
        sh.w = p, p += params;
        sh.g = p, p += params;
        sh.m = optimizer_.first.size() ? p : nullptr, p += sh.m ? params : 0;
        sh.s = optimizer_.second.size() ? p : nullptr, p += sh.s ? params : 0;
        sh.act = p;
    }
}

// Copies a shard's weights and optimizer state from the network and optimizer
// (to_shard), or them and the gradients back.
void TrainStep::pack(Shard& sh, bool to_shard) const {
    const ParamLayout& layout = net_.layout();
    const LayerLayout& out = layout.layers.back();
    const bool first_rank = &sh == &shards_.front();
    auto move = [&](Buffer<float>& flat, float* packed) {
        if (!packed) return;
        for (std::size_t l = 0; l < sh.layers.size(); ++l) {
            const LayerLayout& layer = layout.layers[l];
            const Slice& s = sh.layers[l];
            move_block(flat.data() + layer.w_offset + s.c0, layer.out, packed + s.W, layer.in, s.w, to_shard);
            if (layer.has_bias) move_block(flat.data() + layer.b_offset + s.c0, 0, packed + s.b, 1, s.w, to_shard);
        }
        if (shared_ < net_.layers() - 1) return;  // the layers above the shared ones stay in the network
        const Slice& last = sh.layers.back();
        move_block(flat.data() + out.w_offset + std::size_t(last.c0) * out.out, 0, packed + sh.W_out, 1,
                   last.w * out.out, to_shard);
        if (out.has_bias && first_rank)
            move_block(flat.data() + out.b_offset, 0, packed + sh.b_out, 1, out.out, to_shard);
    };
    move(net_.params, sh.w);
    move(optimizer_.first, sh.m);
    move(optimizer_.second, sh.s);
    if (!to_shard) move(net_.grads, sh.g);
}

void TrainStep::sync() const {
    if (in_shards_)
        for (Shard& sh : shards_) pack(sh, false);
    in_shards_ = false;
}

float* TrainStep::raw_input(Workspace<float>& ws, int rank) {
    return rank > 0 ? shards_[rank].act + shards_[rank].input : ws.input.data;
}

float* TrainStep::input(Workspace<float>& ws, int rank) {
    if (!drops_input()) return raw_input(ws, rank);
    return rank > 0 ? shards_[rank].act + shards_[rank].dropped : ws.dropped_input.data;
}

const float* TrainStep::handed(const Shard& sh, const Slice& s) const {
    return sh.act + (drops_hidden() ? s.D : s.A);
}

std::vector<MatrixView<float>> TrainStep::guard_regions() {
    std::vector<MatrixView<float>> regions;
    for (Shard& sh : shards_) {
        regions.emplace_back(sh.memory.data(), 1, int(kGuard));
        regions.emplace_back(sh.memory.data() + sh.memory.size() - kGuard, 1, int(kGuard));
    }
    return regions;
}

// `shared`: shared_layers() for this team and workspace, worked out once by run().
StepResult TrainStep::run_shared(const BatchRows* rows, Workspace<float>& ws, int B, double lr, int shared) {
    const int H = net_.layers() - 1;
    if (int(shards_.size()) != ctx_.threads() || B > batch_ || shared != shared_) {
        sync();
        build(ctx_.threads(), std::max(B, ws.max_batch), shared);
    }
    if (!in_shards_) {
        for (Shard& sh : shards_) pack(sh, true);
        in_shards_ = true;
    }
    optimizer_.begin_step(lr);
    for (int l = 0; l < shared_; ++l)
        ctx_.run([&](int rank, int) { forward_hidden(rows, ws, l, rank, B); });
    StepResult result;
    std::atomic<bool> finite{true};
    if (shared_ < H) {
        result.loss = run_top(ws, B);
        finite = update_layers(shared_);
    }
    for (int l = shared_ - 1; l >= 0; --l)
        ctx_.run([&](int rank, int) {
            if (l == H - 1) {  // every layer shared: the loss starts the backward phase
                const LossResult loss = output_gradient(ws, rank, B);
                if (rank == 0) result.loss = loss;
            }
            backward_hidden(ws, l, rank, B);
            if (!update_slice(l, rank)) finite.store(false, std::memory_order_relaxed);
        });
    result.finite = finite.load();
    return result;
}

// Above the shared layers, on the caller: A_{s−1} assembled in ws from every rank's slice,
// then forward, loss and backward of layers [s, L), dL/dA_{s−1} going to rank 0's shard.
LossResult TrainStep::run_top(Workspace<float>& ws, int B) {
    const MatrixView<float> a = ws.handed(shared_ - 1, B, drops_hidden());
    for (const Shard& sh : shards_) {
        const Slice& s = sh.layers.back();
        copy_rows(handed(sh, s), s.w, a.data + s.c0, a.ld, B, s.w);
    }
    float* grad_in = shards_[0].act + shards_[0].grad_in;
    return net_.forward_backward(ctx_, ws, B, shared_, MatrixView<float>(grad_in, B, a.cols), dropout(), nullptr,
                                 rules_.label_smoothing);
}

// Every layer shared, at the start of the backward phase on every rank: logits = Σ_r
// partial_r in rank order, the loss and dZ_out (rank 0 into ws, the others into their
// shards). Each rank repeats this small sum so that no core waits for another's result:
// 784-64-10 b32 30 → 28.5 µs a step (own harness).
LossResult TrainStep::output_gradient(Workspace<float>& ws, int rank, int B) {
    const int L = net_.layers(), K = net_.layout().layers.back().out;
    Shard& sh = shards_[rank];
    float* logits = rank == 0 ? ws.Z[L - 1].data : sh.act + sh.out_logits;
    const std::size_t n = std::size_t(B) * K;
    const float* first = shards_[0].act + shards_[0].logits;
    std::copy(first, first + n, logits);
    for (std::size_t r = 1; r < shards_.size(); ++r) {
        const float* p = shards_[r].act + shards_[r].logits;
        for (std::size_t i = 0; i < n; ++i) logits[i] += p[i];
    }
    return softmax_cross_entropy<float>(ConstView<float>(logits, B, K), ws.labels.data(),
                                        MatrixView<float>(output_dz(ws, rank), B, K), 0, rules_.label_smoothing);
}

float* TrainStep::output_dz(Workspace<float>& ws, int rank) {
    return rank == 0 ? ws.grad_a.data : shards_[rank].act + shards_[rank].out_dz;
}

// Gathers the layer's input: the batch (layer 0: rank 0 into ws, the others into their
// shards, from the rows or from ws.input), or every rank's slice of A_{l−1}. Then
// Z = in·W_S + b_S, A = f(Z); after the last hidden layer, the partial logits
// A·W_out[S, :] (+ b_out on rank 0).
void TrainStep::forward_hidden(const BatchRows* rows, Workspace<float>& ws, int l, int rank, int B) {
    Shard& sh = shards_[rank];
    const Slice& s = sh.layers[l];
    const LayerLayout& layer = net_.layout().layers[l];
    float* act = sh.act;
    float* in = l == 0 ? raw_input(ws, rank) : act + s.in;
    if (l == 0 && rows) {
        gather_batch(*rows->subset, rows->order, B, *rows->norm, MatrixView<float>(in, B, layer.in),
                     rank == 0 ? ws.labels.data() : nullptr, augmenting());
        if (rows->next_count > 0) prefetch_batch(*rows->subset, rows->next, rows->next_count);
    } else if (l == 0 && rank > 0) {
        copy_rows(ws.input.data, layer.in, in, layer.in, B, layer.in);
    } else if (l > 0) {
        for (const Shard& other : shards_) {
            const Slice& o = other.layers[l - 1];
            copy_rows(handed(other, o), o.w, in + o.c0, layer.in, B, o.w);
        }
    }
    if (l == 0) in = input(ws, rank), drop_input(ws, rank, B);
    if (s.w > 0) {
        const Architecture& arch = net_.architecture();
        dense_activation_forward<float>(ctx_, ConstView<float>(in, B, layer.in), ConstView<float>(sh.w + s.W, layer.in, s.w),
                                        layer.has_bias ? sh.w + s.b : nullptr, MatrixView<float>(act + s.Z, B, s.w),
                                        arch.activation, MatrixView<float>(act + s.A, B, s.w));
        if (drops_hidden())
            dropout_forward<float>(masks_, hidden_mask_layer(l), arch.dropout, s.c0, ConstView<float>(act + s.A, B, s.w),
                                   MatrixView<float>(act + s.M, B, s.w), MatrixView<float>(act + s.D, B, s.w));
    }
    if (l != net_.layers() - 2) return;

    const LayerLayout& out = net_.layout().layers.back();
    const int K = out.out;
    float* logits = act + sh.logits;
    const float* bias = rank == 0 && out.has_bias ? sh.w + sh.b_out : nullptr;
    if (s.w > 0) {
        dense_forward<float>(ctx_, ConstView<float>(handed(sh, s), B, s.w), ConstView<float>(sh.w + sh.W_out, s.w, K), bias,
                             MatrixView<float>(logits, B, K));
        return;
    }
    for (int i = 0; i < B; ++i)
        for (int j = 0; j < K; ++j) logits[std::size_t(i) * K + j] = bias ? bias[j] : 0.0f;
}

// With input dropout, the rank's masked copy of the batch: the whole B × D mask, drawn by
// every rank (the same bits) so none waits for another's.
void TrainStep::drop_input(Workspace<float>& ws, int rank, int B) {
    if (!drops_input()) return;
    const int D = net_.layout().layers[0].in;
    const MatrixView<float> x(input(ws, rank), B, D);
    dropout_forward<float>(masks_, input_mask_layer, net_.architecture().input_dropout, 0,
                           ConstView<float>(raw_input(ws, rank), B, D), x, x);
}

// dA_S into the shard's dz (from dZ_out, or summed from every rank's partial product),
// then dZ_S in place, dW_S, db_S and this rank's partial product dZ_S·W_Sᵀ for the layer below.
void TrainStep::backward_hidden(Workspace<float>& ws, int l, int rank, int B) {
    Shard& sh = shards_[rank];
    const Slice& s = sh.layers[l];
    const ParamLayout& layout = net_.layout();
    const LayerLayout& layer = layout.layers[l];
    float* act = sh.act;
    float* dz = act + sh.dz;  // (B, w)
    float* g = sh.g;
    const float* w = sh.w;
    if (l == net_.layers() - 2) {
        const int K = layout.layers.back().out;
        const ConstView<float> dz_out(output_dz(ws, rank), B, K);
        float* db_out = rank == 0 && layout.layers.back().has_bias ? g + sh.b_out : nullptr;
        if (s.w > 0)
            dense_backward<float>(ctx_, ConstView<float>(handed(sh, s), B, s.w), ConstView<float>(w + sh.W_out, s.w, K), dz_out,
                                  MatrixView<float>(g + sh.W_out, s.w, K), db_out, MatrixView<float>(dz, B, s.w));
        else if (db_out)
            column_sums(dz_out, db_out);
    } else if (l == shared_ - 1) {  // from the layers above, run on the caller
        const int width = layout.layers[l + 1].in;
        copy_rows(shards_[0].act + shards_[0].grad_in + s.c0, width, dz, s.w, B, s.w);
    } else {
        const int ld = layout.layers[l + 1].in;
        const int parity = (l + 1) % 2;
        for (int i = 0; i < B; ++i) {
            float* row = dz + std::size_t(i) * s.w;
            const float* p0 = shards_[0].act + shards_[0].partial[parity] + std::size_t(i) * ld + s.c0;
            std::copy(p0, p0 + s.w, row);
            for (std::size_t q = 1; q < shards_.size(); ++q) {
                const float* p = shards_[q].act + shards_[q].partial[parity] + std::size_t(i) * ld + s.c0;
                for (int j = 0; j < s.w; ++j) row[j] += p[j];
            }
        }
    }
    float* partial = l > 0 ? act + sh.partial[l % 2] : nullptr;
    if (s.w == 0) {
        if (partial) std::fill(partial, partial + std::size_t(B) * layer.in, 0.0f);
        return;
    }
    const MatrixView<float> dZ(dz, B, s.w);
    if (drops_hidden()) dropout_backward<float>(ConstView<float>(act + s.M, B, s.w), dZ);
    activation_backward<float>(net_.architecture().activation, ConstView<float>(act + s.Z, B, s.w),
                               ConstView<float>(act + s.A, B, s.w), dZ, dZ);
    const float* in = l == 0 ? input(ws, rank) : act + s.in;
    dense_backward<float>(ctx_, ConstView<float>(in, B, layer.in), ConstView<float>(w + s.W, layer.in, s.w), dZ,
                          MatrixView<float>(g + s.W, layer.in, s.w), layer.has_bias ? g + s.b : nullptr,
                          partial ? MatrixView<float>(partial, B, layer.in) : MatrixView<float>());
}

// The update of what this rank owns in hidden layer l (and, for the last, of its rows of
// W_out and, on rank 0, b_out). Runs after backward_hidden has read the old weights.
bool TrainStep::update_slice(int l, int rank) {
    Shard& sh = shards_[rank];
    const Slice& s = sh.layers[l];
    const ParamLayout& layout = net_.layout();
    const LayerLayout& layer = layout.layers[l];
    float *w = sh.w, *g = sh.g, *m = sh.m, *v = sh.s;
    auto update = [&](std::size_t at, long n, float decay) {
        return optimizer_.update(w + at, g + at, m ? m + at : nullptr, v ? v + at : nullptr, n, decay);
    };
    bool finite = update(s.W, long(layer.in) * s.w, decay_);
    if (layer.has_bias) finite &= update(s.b, s.w, bias_decay_);
    max_norm(MatrixView<float>(w + s.W, layer.in, s.w), rules_.max_norm);
    if (l != net_.layers() - 2) return finite;
    const LayerLayout& out = layout.layers.back();
    finite &= update(sh.W_out, long(s.w) * out.out, decay_);
    if (rank == 0 && out.has_bias) finite &= update(sh.b_out, out.out, bias_decay_);
    return finite;
}

}  // namespace mlp
