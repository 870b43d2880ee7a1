// IDX reader: validates magic, dimensions and length before trusting any declared size.
#include "mlp/idx.hpp"

#include "mlp/error.hpp"
#include "mlp/file.hpp"

namespace mlp {
namespace {

std::uint32_t big_endian_u32(const std::vector<std::uint8_t>& b, std::size_t at) {
    return std::uint32_t(b[at]) << 24 | std::uint32_t(b[at + 1]) << 16 | std::uint32_t(b[at + 2]) << 8 | b[at + 3];
}

std::string hex(std::uint32_t x) {
    char text[16];
    std::snprintf(text, sizeof text, "0x%08x", x);
    return text;
}

void check_header(const std::vector<std::uint8_t>& bytes, const std::string& name, std::uint32_t magic,
                  std::size_t header) {
    require(bytes.size() >= header, name + ": truncated IDX header (" + std::to_string(bytes.size()) +
                                        " bytes, expected at least " + std::to_string(header) + ")");
    const std::uint32_t found = big_endian_u32(bytes, 0);
    require(found == magic, name + ": bad IDX magic " + hex(found) + " (expected " + hex(magic) + ")");
}

void check_length(const std::vector<std::uint8_t>& bytes, const std::string& name, std::size_t expected) {
    if (bytes.size() < expected)
        throw Error(name + ": truncated IDX file (" + std::to_string(bytes.size()) + " bytes, header declares " +
                    std::to_string(expected) + ")");
    if (bytes.size() > expected)
        throw Error(name + ": IDX file has " + std::to_string(bytes.size() - expected) +
                    " bytes after the declared data (expected exactly " + std::to_string(expected) + ")");
}

}  // namespace

IdxImages parse_idx_header(const std::vector<std::uint8_t>& head, const std::string& name) {
    check_header(head, name, 0x00000803, 16);
    const std::uint64_t n = big_endian_u32(head, 4), h = big_endian_u32(head, 8), w = big_endian_u32(head, 12);
    require(h > 0 && w > 0 && h <= 4096 && w <= 4096,
            name + ": implausible image size " + std::to_string(h) + "x" + std::to_string(w));
    require(n <= 0x7fffffff, name + ": implausible image count " + std::to_string(n));
    IdxImages images;
    images.count = static_cast<int>(n);
    images.height = static_cast<int>(h);
    images.width = static_cast<int>(w);
    return images;
}

IdxImages parse_idx_images(std::vector<std::uint8_t> bytes, const std::string& name) {
    IdxImages images = parse_idx_header(bytes, name);
    check_length(bytes, name, 16 + std::uint64_t(images.count) * images.height * images.width);
    // The file's own buffer becomes the pixels: no second 47 MB for MNIST.
    bytes.erase(bytes.begin(), bytes.begin() + 16);
    images.pixels = std::move(bytes);
    return images;
}

std::vector<int> parse_idx_labels(const std::vector<std::uint8_t>& bytes, const std::string& name) {
    check_header(bytes, name, 0x00000801, 8);
    const std::uint64_t n = big_endian_u32(bytes, 4);
    check_length(bytes, name, 8 + n);
    return std::vector<int>(bytes.begin() + 8, bytes.end());
}

Dataset read_idx_dataset(const std::string& images_path, const std::string& labels_path, const std::string& name) {
    std::vector<std::uint8_t> image_bytes = read_file(images_path);
    const std::vector<std::uint8_t> label_bytes = read_file(labels_path);
    double hashing = 0.0;
    const std::string image_sum = sha256_hex(image_bytes.data(), image_bytes.size(), &hashing);  // before the bytes become pixels
    IdxImages images = parse_idx_images(std::move(image_bytes), images_path);
    std::vector<int> labels = parse_idx_labels(label_bytes, labels_path);
    require(images.count == static_cast<int>(labels.size()),
            labels_path + ": " + std::to_string(labels.size()) + " labels for " + std::to_string(images.count) +
                " images in " + images_path + " (counts must match)");
    for (std::size_t i = 0; i < labels.size(); ++i)
        require(labels[i] >= 0 && labels[i] < 10, labels_path + ": label " + std::to_string(labels[i]) +
                                                        " at record " + std::to_string(i) + " (expected 0..9)");
    Dataset data;
    data.name = name;
    data.rows = images.count;
    data.features = images.height * images.width;
    data.classes = 10;
    data.u8 = std::move(images.pixels);
    data.labels = std::move(labels);
    data.image_shape = {1, images.height, images.width};
    for (int k = 0; k < 10; ++k) data.class_names.push_back(std::to_string(k));
    auto base = [](const std::string& p) { return p.substr(p.find_last_of('/') + 1); };
    data.checksums[base(images_path)] = image_sum;
    data.checksums[base(labels_path)] = sha256_hex(label_bytes.data(), label_bytes.size(), &hashing);
    data.checksum_seconds = hashing;
    return data;
}

}  // namespace mlp
