// CIFAR-10: the binary version's five training batches and test batch, 32×32 colour
// images of 10 named classes (cifar10.hpp reads them).
#include "dataset_kind.hpp"
#include "mlp/cifar10.hpp"
#include "mlp/error.hpp"

namespace mlp {
namespace {

std::string dir_of(const DataConfig& c) { return c.dir.empty() ? find_cifar10_dir() : c.dir; }

// Where find_cifar10_dir() finds it, else where scripts would put it.
std::string default_dir() {
    try {
        return find_cifar10_dir();
    } catch (const Error&) {
        return "data/cifar10";
    }
}

Sources read(const DataConfig& c) {
    Sources s;
    const std::string dir = dir_of(c);
    s.train = std::make_unique<Dataset>(read_cifar10(dir, true));
    s.test = std::make_unique<Dataset>(read_cifar10(dir, false));
    return s;
}

DataShape shape(const DataConfig& c) {
    DataShape s;
    s.features = kCifarPixels;
    s.image_shape = {3, 32, 32};
    s.class_names = read_cifar10_class_names(dir_of(c));
    s.classes = 10;
    return s;
}

}  // namespace

DatasetKind cifar10_kind() { return {"cifar10", default_dir, 5000, read, shape, {}}; }

}  // namespace mlp
