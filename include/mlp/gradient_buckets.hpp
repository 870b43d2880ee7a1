// The gradients of a data-parallel step summed across ranks in buckets, each started as soon
// as backward has written the last layer it holds, so the sums travel while the layers below
// are still computed (the scheme of PyTorch DDP, Li et al. 2020, and Horovod). Does not
// decide which rows a rank holds or scale anything: the loss already divides by the whole
// batch (softmax_cross_entropy's batch_rows), so the sum over ranks is the batch's gradient.
//
// Layers are grouped in backward order, L−1 down to 0, until a bucket holds at least
// bucket_floats, except that a layer that holds that many on its own is a bucket of its
// own (the narrow layers above it start first); as the flat buffer keeps the layers in
// order, a bucket is one contiguous range [W of its lowest layer, end of its highest),
// padding included. Every rank forms
// the same buckets from the layout and starts them in the same order.
#pragma once
#include <cstddef>
#include <vector>

#include "mlp/architecture.hpp"
#include "mlp/communicator.hpp"

namespace mlp {

class GradientBuckets {
public:
    // 2^16 floats (256 KiB): narrow layers share a bucket (one message instead of several),
    // a wide one is a bucket of its own and starts the moment it is written.
    static constexpr std::size_t kBucketFloats = std::size_t(1) << 16;

    explicit GradientBuckets(const ParamLayout& layout, std::size_t bucket_floats = kBucketFloats);

    struct Bucket {
        int lowest = 0, highest = 0;     // layers [lowest, highest]
        std::size_t begin = 0, end = 0;  // floats of the flat buffer
    };
    const std::vector<Bucket>& buckets() const { return buckets_; }

    // One step: the sums of grads (the flat gradient buffer) go over comm.
    void begin(Communicator& comm, float* grads);
    // Backward has written layer l: starts the bucket whose lowest layer it is, and lets
    // the ones started before move on.
    void layer_ready(int l);
    // Every layer ready at once (a rank with no rows this step contributes zeros).
    void all_ready();
    // Waits until every bucket is summed: grads then hold the sum over ranks.
    void finish();

private:
    std::vector<Bucket> buckets_;  // in the order they start: the highest layers first
    Communicator* comm_ = nullptr;
    float* grads_ = nullptr;
    std::size_t started_ = 0;
};

}  // namespace mlp
