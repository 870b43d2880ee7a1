// MNIST and Fashion-MNIST: IDX files (train-/t10k-, images and labels), 28×28 grey
// images of 10 classes; Fashion-MNIST's files are gzipped and its classes have names.
#include "dataset_kind.hpp"
#include "mlp/error.hpp"
#include "mlp/file.hpp"
#include "mlp/idx.hpp"

namespace mlp {
namespace {

// Fashion-MNIST's label names, in label order (zalandoresearch/fashion-mnist README).
const std::vector<std::string> kFashionNames = {"T-shirt/top", "Trouser", "Pullover", "Dress", "Coat",
                                                "Sandal",      "Shirt",   "Sneaker",  "Bag",   "Ankle boot"};

// What differs between the two.
struct IdxSource {
    const char* name;
    const char* dir;
    const char* suffix;       // of every file name
    const char* how_to_get;   // said when a file is missing
    bool named_classes;       // Fashion-MNIST's class names, else "0".."9"
};

const IdxSource kMnist{"mnist", "data/mnist", "", "run scripts/fetch_data.sh mnist", false};
const IdxSource kFashion{"fashion-mnist", "/usr/share/datasets/fashion-mnist", ".gz", "apt-get install dataset-fashion-mnist",
                         true};

std::string idx_path(const IdxSource& source, const DataConfig& c, const std::string& prefix, const std::string& kind) {
    const std::string dir = c.dir.empty() ? source.dir : c.dir;
    const std::string path = dir + "/" + prefix + "-" + kind + source.suffix;
    if (!file_exists(path)) throw Error(path + ": no such file (" + source.how_to_get + ", or set data.dir)");
    return path;
}

std::vector<std::string> class_names(const IdxSource& source) {
    if (source.named_classes) return kFashionNames;
    std::vector<std::string> names;
    for (int k = 0; k < 10; ++k) names.push_back(std::to_string(k));
    return names;
}

std::unique_ptr<Dataset> read_pair(const IdxSource& source, const DataConfig& c, const std::string& prefix) {
    auto data = std::make_unique<Dataset>(read_idx_dataset(idx_path(source, c, prefix, "images-idx3-ubyte"),
                                                           idx_path(source, c, prefix, "labels-idx1-ubyte"), source.name));
    if (source.named_classes) data->class_names = kFashionNames;
    return data;
}

template <const IdxSource& source>
Sources read(const DataConfig& c) {
    Sources s;
    s.train = read_pair(source, c, "train");
    s.test = read_pair(source, c, "t10k");
    return s;
}

// From the training images' header alone.
template <const IdxSource& source>
DataShape shape(const DataConfig& c) {
    const std::string path = idx_path(source, c, "train", "images-idx3-ubyte");
    const IdxImages header = parse_idx_header(read_file_head(path, 16), path);
    DataShape s;
    s.features = header.height * header.width;
    s.image_shape = {1, header.height, header.width};
    s.classes = 10;
    s.class_names = class_names(source);
    return s;
}

}  // namespace

DatasetKind mnist_kind() {
    return {kMnist.name, [] { return std::string(kMnist.dir); }, 10000, read<kMnist>, shape<kMnist>, {}};
}

DatasetKind fashion_mnist_kind() {
    return {kFashion.name, [] { return std::string(kFashion.dir); }, 10000, read<kFashion>, shape<kFashion>, {}};
}

}  // namespace mlp
