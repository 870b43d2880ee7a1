// Checkpoint encoding and decoding: a field-by-field little-endian writer and a reader
// that checks every length before it reads or allocates.
#include "mlp/checkpoint.hpp"

#include <cmath>
#include <cstring>

#include "mlp/error.hpp"
#include "mlp/file.hpp"

namespace mlp {
namespace {

constexpr char kMagic[8] = {'M', 'L', 'P', 'C', 'K', 'P', 'T', '\n'};
constexpr std::size_t kHeaderBytes = 24;  // magic, version, reserved, payload length
constexpr std::size_t kChecksumBytes = 64;

class Writer {
public:
    void u8(std::uint8_t x) { bytes.push_back(x); }
    void u32(std::uint32_t x) { little(x, 4); }
    void u64(std::uint64_t x) { little(x, 8); }
    void i32(std::int32_t x) { u32(static_cast<std::uint32_t>(x)); }
    void i64(std::int64_t x) { u64(static_cast<std::uint64_t>(x)); }
    void f64(double x) {
        std::uint64_t bits;
        std::memcpy(&bits, &x, 8);
        u64(bits);
    }
    void floats(const Buffer<float>& b) {
        u64(b.size());
        for (float x : b) {
            std::uint32_t bits;
            std::memcpy(&bits, &x, 4);
            u32(bits);
        }
    }
    std::vector<std::uint8_t> bytes;

private:
    void little(std::uint64_t x, int n) {
        for (int i = 0; i < n; ++i) bytes.push_back(static_cast<std::uint8_t>(x >> (8 * i)));
    }
};

// Reads fields in order; every read names its field, so an error says what was cut short.
class Reader {
public:
    Reader(const std::uint8_t* data, std::size_t size, std::string name) : p_(data), left_(size), name_(std::move(name)) {}

    std::uint8_t u8(const char* field) { return static_cast<std::uint8_t>(little(1, field)); }
    std::uint32_t u32(const char* field) { return static_cast<std::uint32_t>(little(4, field)); }
    std::uint64_t u64(const char* field) { return little(8, field); }
    std::int32_t i32(const char* field) { return static_cast<std::int32_t>(u32(field)); }
    std::int64_t i64(const char* field) { return static_cast<std::int64_t>(u64(field)); }
    double f64(const char* field) {
        const std::uint64_t bits = u64(field);
        double x;
        std::memcpy(&x, &bits, 8);
        return x;
    }
    bool flag(const char* field) {
        const std::uint8_t x = u8(field);
        check(x <= 1, field, "expected 0 or 1, found " + std::to_string(x));
        return x == 1;
    }
    // The element count of an array of `element` bytes, checked against what is left.
    std::size_t count(const char* field, std::size_t element) {
        const std::uint64_t n = u64(field);
        check(n <= left_ / element, field,
              "declares " + std::to_string(n) + " entries but only " + std::to_string(left_) + " bytes remain");
        return static_cast<std::size_t>(n);
    }
    Buffer<float> floats(const char* field) {
        Buffer<float> b(count(field, 4));
        for (float& x : b) {
            const std::uint32_t bits = u32(field);
            std::memcpy(&x, &bits, 4);
        }
        return b;
    }
    void check(bool ok, const char* field, const std::string& what) const {
        if (!ok) throw Error(name_ + ": checkpoint field '" + field + "': " + what);
    }
    std::size_t left() const { return left_; }

private:
    std::uint64_t little(int n, const char* field) {
        if (left_ < static_cast<std::size_t>(n))
            throw Error(name_ + ": truncated checkpoint (field '" + field + "' needs " + std::to_string(n) +
                        " bytes, " + std::to_string(left_) + " remain)");
        std::uint64_t x = 0;
        for (int i = 0; i < n; ++i) x |= std::uint64_t(p_[i]) << (8 * i);
        p_ += n;
        left_ -= n;
        return x;
    }
    const std::uint8_t* p_;
    std::size_t left_;
    std::string name_;
};

void write_state(Writer& w, const TrainState& s) {
    w.i32(s.epoch);
    w.i64(s.position);
    w.i64(s.steps);
    w.i32(s.next_check);
    w.f64(s.loss_sum);
    w.f64(s.correct);
    w.f64(s.seen);
    w.f64(s.best_val);
    w.i32(s.checks_without_improvement);
    w.i64(s.best_step);
    w.u8(s.stopped_early);
    w.f64(s.lr_scale);
    w.i32(s.divergence_retries);
    w.f64(s.seconds);
    for (std::uint64_t x : s.shuffle.s) w.u64(x);
    w.u8(s.shuffle.has_spare);
    w.f64(s.shuffle.spare);
    w.u64(s.order.size());
    for (int i : s.order) w.i32(i);
    w.u64(s.history.size());
    for (const HistoryRow& r : s.history) {
        w.i64(r.step);
        for (double x : {r.epoch, r.train_loss, r.train_acc, r.val_loss, r.val_acc, r.lr, r.seconds}) w.f64(x);
    }
}

TrainState read_state(Reader& r) {
    TrainState s;
    s.epoch = r.i32("epoch");
    s.position = r.i64("position");
    s.steps = r.i64("steps");
    s.next_check = r.i32("next_check");
    s.loss_sum = r.f64("loss_sum");
    s.correct = r.f64("correct");
    s.seen = r.f64("seen");
    s.best_val = r.f64("best_val");
    s.checks_without_improvement = r.i32("checks_without_improvement");
    s.best_step = r.i64("best_step");
    s.stopped_early = r.flag("stopped_early");
    s.lr_scale = r.f64("lr_scale");
    s.divergence_retries = r.i32("divergence_retries");
    s.seconds = r.f64("seconds");
    for (std::uint64_t& x : s.shuffle.s) x = r.u64("shuffle");
    s.shuffle.has_spare = r.flag("shuffle");
    s.shuffle.spare = r.f64("shuffle");
    r.check(s.epoch >= 0 && s.position >= 0 && s.steps >= 0 && s.next_check >= 0, "epoch",
            "negative epoch, position, step or check index");
    r.check(s.position <= s.steps && s.best_step <= s.steps, "position", "more steps in the epoch than in all");
    r.check(s.checks_without_improvement >= 0 && s.divergence_retries >= 0, "divergence_retries", "negative count");
    r.check(std::isfinite(s.lr_scale) && s.lr_scale > 0 && s.lr_scale <= 1, "lr_scale",
            "expected a factor in (0, 1]");

    // The order indexes the training rows: it must be a permutation of 0..N−1.
    s.order.resize(r.count("order", 4));
    std::vector<bool> seen(s.order.size(), false);
    for (int& i : s.order) {
        i = r.i32("order");
        r.check(i >= 0 && static_cast<std::size_t>(i) < s.order.size() && !seen[i], "order",
                "not a permutation of the " + std::to_string(s.order.size()) + " training rows");
        seen[i] = true;
    }
    s.history.resize(r.count("history", 64));
    for (HistoryRow& row : s.history) {
        row.step = r.i64("history");
        for (double* x : {&row.epoch, &row.train_loss, &row.train_acc, &row.val_loss, &row.val_acc, &row.lr,
                          &row.seconds})
            *x = r.f64("history");
    }
    return s;
}

}  // namespace

std::vector<std::uint8_t> encode_checkpoint(const Checkpoint& c) {
    Writer payload;
    payload.i32(c.batch_size);
    write_state(payload, c.state);
    payload.floats(c.params);
    payload.floats(c.first);
    payload.floats(c.second);
    payload.floats(c.best_params);
    payload.i64(c.optimizer_steps);

    Writer out;
    out.bytes.assign(kMagic, kMagic + 8);
    out.u32(kCheckpointVersion);
    out.u32(0);
    out.u64(payload.bytes.size());
    out.bytes.insert(out.bytes.end(), payload.bytes.begin(), payload.bytes.end());
    const std::string sum = sha256_hex(payload.bytes.data(), payload.bytes.size());
    out.bytes.insert(out.bytes.end(), sum.begin(), sum.end());
    return out.bytes;
}

Checkpoint decode_checkpoint(const std::uint8_t* data, std::size_t size, const std::string& name) {
    require(size > 0, name + ": empty checkpoint file (0 bytes)");
    require(size >= 8 && std::memcmp(data, kMagic, 8) == 0, name + ": not an mlp checkpoint (bad magic)");
    require(size >= kHeaderBytes + kChecksumBytes,
            name + ": truncated checkpoint (" + std::to_string(size) + " bytes, less than a header)");
    Reader header(data + 8, kHeaderBytes - 8, name);
    const std::uint32_t version = header.u32("version");
    require(version == kCheckpointVersion, name + ": checkpoint version " + std::to_string(version) +
                                               " (this mlp reads version " + std::to_string(kCheckpointVersion) + ")");
    require(header.u32("reserved") == 0, name + ": checkpoint header field 'reserved' is not 0");
    const std::uint64_t P = header.u64("payload length");
    const std::size_t expected_payload = size - kHeaderBytes - kChecksumBytes;
    require(P == expected_payload, name + ": checkpoint declares a " + std::to_string(P) + "-byte payload but holds " +
                                       std::to_string(expected_payload) + " (truncated or extended file)");
    const std::uint8_t* payload = data + kHeaderBytes;
    const std::string sum = sha256_hex(payload, P);
    require(std::memcmp(sum.data(), payload + P, kChecksumBytes) == 0,
            name + ": checkpoint checksum mismatch: the file is damaged");

    Reader r(payload, P, name);
    Checkpoint c;
    c.batch_size = r.i32("batch_size");
    r.check(c.batch_size >= 1, "batch_size", "must be >= 1");
    c.state = read_state(r);
    c.params = r.floats("params");
    c.first = r.floats("first");
    c.second = r.floats("second");
    c.best_params = r.floats("best_params");
    c.optimizer_steps = r.i64("optimizer_steps");
    r.check(c.params.size() > 0, "params", "no parameters");
    for (const auto& [buffer, field] : {std::pair{&c.first, "first"}, {&c.second, "second"}, {&c.best_params, "best_params"}})
        r.check(buffer->size() == 0 || buffer->size() == c.params.size(), field,
                std::to_string(buffer->size()) + " values for " + std::to_string(c.params.size()) + " parameters");
    r.check(c.optimizer_steps >= 0, "optimizer_steps", "negative");
    r.check(r.left() == 0, "optimizer_steps", std::to_string(r.left()) + " unexpected bytes after the last field");
    return c;
}

void save_checkpoint(const std::string& path, const Checkpoint& checkpoint) {
    const std::vector<std::uint8_t> bytes = encode_checkpoint(checkpoint);
    write_file_atomic(path, bytes.data(), bytes.size());
}

Checkpoint load_checkpoint(const std::string& path) {
    const std::vector<std::uint8_t> bytes = read_file(path);
    return decode_checkpoint(bytes.data(), bytes.size(), path);
}

}  // namespace mlp
