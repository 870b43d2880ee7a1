// Gradient buckets over the flat layout and their sums across ranks (gradient_buckets.hpp).
#include "mlp/gradient_buckets.hpp"

#include "mlp/error.hpp"

namespace mlp {

GradientBuckets::GradientBuckets(const ParamLayout& layout, std::size_t bucket_floats) {
    const int L = int(layout.layers.size());
    auto begin_of = [&](int l) { return layout.layers[l].w_offset; };
    auto end_of = [&](int l) { return l + 1 < L ? layout.layers[l + 1].w_offset : layout.buffer_size; };
    int highest = L - 1;  // the open bucket holds layers (l, highest]
    for (int l = L - 1; l >= 0; --l) {
        // A wide layer does not wait in the bucket of the narrow ones above it: they go first.
        if (highest > l && end_of(l) - begin_of(l) >= bucket_floats) {
            buckets_.push_back({l + 1, highest, begin_of(l + 1), end_of(highest)});
            highest = l;
        }
        if (end_of(highest) - begin_of(l) >= bucket_floats || l == 0) {
            buckets_.push_back({l, highest, begin_of(l), end_of(highest)});
            highest = l - 1;
        }
    }
}

void GradientBuckets::begin(Communicator& comm, float* grads) {
    require(started_ == 0 || started_ == buckets_.size(), "gradient buckets: a step began before the last finished");
    comm_ = &comm;
    grads_ = grads;
    started_ = 0;
}

void GradientBuckets::layer_ready(int l) {
    if (started_ < buckets_.size() && buckets_[started_].lowest == l) {
        const Bucket& b = buckets_[started_++];
        comm_->start_sum(grads_ + b.begin, b.end - b.begin);
    }
    comm_->progress();
}

void GradientBuckets::all_ready() {
    while (started_ < buckets_.size()) {
        const Bucket& b = buckets_[started_++];
        comm_->start_sum(grads_ + b.begin, b.end - b.begin);
    }
}

void GradientBuckets::finish() {
    all_ready();  // a backward that stopped early (it never does) still starts every bucket
    comm_->wait_sums();
}

}  // namespace mlp
