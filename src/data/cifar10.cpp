// CIFAR-10 binary reader: checks whole records and label range before copying pixels.
#include "mlp/cifar10.hpp"

#include <filesystem>

#include "mlp/error.hpp"
#include "mlp/file.hpp"

namespace mlp {
namespace {

std::string base_name(const std::string& path) { return std::filesystem::path(path).filename().string(); }

}  // namespace

void parse_cifar10_batch(const std::vector<std::uint8_t>& bytes, const std::string& name, Dataset& data) {
    const std::size_t records = bytes.size() / kCifarRecord, rest = bytes.size() % kCifarRecord;
    require(!bytes.empty(), name + ": empty file (expected records of " + std::to_string(kCifarRecord) + " bytes)");
    if (rest != 0)
        throw Error(name + ": record " + std::to_string(records) + " is truncated (" + std::to_string(rest) + " of " +
                    std::to_string(kCifarRecord) + " bytes; the file has " + std::to_string(bytes.size()) +
                    " bytes, expected a multiple of " + std::to_string(kCifarRecord) + ")");
    for (std::size_t r = 0; r < records; ++r) {
        const int label = bytes[r * kCifarRecord];
        require(label < 10, name + ": record " + std::to_string(r) + " has label " + std::to_string(label) +
                                " (expected 0..9)");
    }
    data.u8.reserve(data.u8.size() + records * kCifarPixels);
    data.labels.reserve(data.labels.size() + records);
    for (std::size_t r = 0; r < records; ++r) {
        const std::uint8_t* record = bytes.data() + r * kCifarRecord;
        data.labels.push_back(record[0]);
        data.u8.insert(data.u8.end(), record + 1, record + kCifarRecord);
    }
    data.rows += static_cast<int>(records);
}

std::vector<std::string> read_cifar10_class_names(const std::string& dir) {
    const std::string path = dir + "/batches.meta.txt";
    if (!file_exists(path))
        return {"airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"};
    std::vector<std::string> names;
    std::string text = read_text(path), line;
    for (std::size_t start = 0; start <= text.size();) {
        std::size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        line = text.substr(start, end - start);
        while (!line.empty() && (line.back() == '\r' || line.back() == ' ')) line.pop_back();
        if (!line.empty()) names.push_back(line);
        start = end + 1;
    }
    require(names.size() == 10, path + ": " + std::to_string(names.size()) +
                                    " class names (expected 10 non-empty lines, one per label)");
    return names;
}

Dataset read_cifar10(const std::string& dir, bool train) {
    std::vector<std::string> files;
    if (train)
        for (int k = 1; k <= 5; ++k) files.push_back(dir + "/data_batch_" + std::to_string(k) + ".bin");
    else
        files.push_back(dir + "/test_batch.bin");
    Dataset data;
    data.name = train ? "cifar10" : "cifar10-test";
    data.features = kCifarPixels;
    data.classes = 10;
    data.image_shape = {3, 32, 32};
    data.class_names = read_cifar10_class_names(dir);
    for (const std::string& path : files) {
        require(file_exists(path), path + ": no such file (a CIFAR-10 binary-version directory holds "
                                          "data_batch_1..5.bin and test_batch.bin)");
        const std::vector<std::uint8_t> bytes = read_file(path);
        parse_cifar10_batch(bytes, path, data);
        data.checksums[base_name(path)] = sha256_hex(bytes.data(), bytes.size(), &data.checksum_seconds);
    }
    return data;
}

std::string find_cifar10_dir() {
    for (const char* dir : {"data/cifar10", "../shared/data/cifar-10-batches-bin"})
        if (file_exists(std::string(dir) + "/test_batch.bin")) return dir;
    throw Error("cifar10: no CIFAR-10 found in data/cifar10 or ../shared/data/cifar-10-batches-bin; download the "
                "binary version from https://www.cs.toronto.edu/~kriz/cifar.html (cifar-10-binary.tar.gz), "
                "unpack it into data/cifar10, or set data.dir to its cifar-10-batches-bin folder");
}

}  // namespace mlp
