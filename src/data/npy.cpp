// NPY reader and writer: the header dict is parsed by hand, every declared size is checked
// against the file before anything is allocated from it.
#include "mlp/npy.hpp"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <limits>

#include "mlp/error.hpp"
#include "mlp/file.hpp"

namespace mlp {
namespace {

constexpr char kMagic[] = "\x93NUMPY";

std::string shape_text(const std::vector<std::size_t>& shape) {
    std::string s = "(";
    for (std::size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
    return s + (shape.size() == 1 ? ",)" : ")");
}

// The text after `'key':` in the header dict, with leading spaces skipped.
std::size_t value_of(const std::string& header, const std::string& key, const std::string& name) {
    for (const char* quote : {"'", "\""}) {
        const std::size_t at = header.find(quote + key + quote);
        if (at == std::string::npos) continue;
        std::size_t p = header.find(':', at);
        require(p != std::string::npos, name + ": malformed NPY header (no value for '" + key + "')");
        ++p;
        while (p < header.size() && header[p] == ' ') ++p;
        return p;
    }
    throw Error(name + ": malformed NPY header (no '" + key + "' entry): " + header);
}

}  // namespace

std::size_t NpyArray::count() const {
    std::size_t n = 1;
    for (std::size_t d : header.shape) n *= d;
    return n;
}

NpyHeader parse_npy_header(const std::vector<std::uint8_t>& head, const std::string& name) {
    require(head.size() >= 10 && std::memcmp(head.data(), kMagic, 6) == 0,
            name + ": not an NPY file (expected the magic \\x93NUMPY at the start)");
    const int major = head[6];
    require(major >= 1 && major <= 3, name + ": NPY format version " + std::to_string(major) + "." +
                                          std::to_string(head[7]) + " (expected 1.0, 2.0 or 3.0)");
    std::size_t length = 0, start = 0;
    if (major == 1) {
        length = head[8] | std::size_t(head[9]) << 8;
        start = 10;
    } else {
        require(head.size() >= 12, name + ": truncated NPY header");
        length = head[8] | std::size_t(head[9]) << 8 | std::size_t(head[10]) << 16 | std::size_t(head[11]) << 24;
        start = 12;
    }
    require(start + length <= head.size(), name + ": truncated NPY header (declares " + std::to_string(length) +
                                               " header bytes, the file has " +
                                               std::to_string(head.size() - start) + ")");
    const std::string text(head.begin() + start, head.begin() + start + length);
    NpyHeader h;
    h.data_offset = start + length;

    std::size_t p = value_of(text, "descr", name);
    require(p < text.size() && (text[p] == '\'' || text[p] == '"'),
            name + ": unsupported dtype (structured arrays are not supported; save a plain numeric array)");
    const std::size_t end = text.find(text[p], p + 1);
    require(end != std::string::npos, name + ": malformed NPY header (unterminated descr)");
    h.descr = text.substr(p + 1, end - p - 1);
    require(h.descr.size() >= 3, name + ": unsupported dtype '" + h.descr + "'");
    const char order = h.descr[0];
    h.kind = h.descr[1];
    h.item_size = std::atoi(h.descr.c_str() + 2);
    const bool known = (h.kind == 'f' && (h.item_size == 4 || h.item_size == 8)) ||
                       ((h.kind == 'i' || h.kind == 'u') &&
                        (h.item_size == 1 || h.item_size == 2 || h.item_size == 4 || h.item_size == 8)) ||
                       (h.kind == 'b' && h.item_size == 1);
    require(known, name + ": unsupported dtype '" + h.descr +
                       "' (expected float32 '<f4', float64 '<f8', uint8 '|u1' or an integer type)");
    require(order != '>' || h.item_size == 1,
            name + ": big-endian dtype '" + h.descr + "' is not supported (save with a.astype('<" +
                h.descr.substr(1) + "'))");

    p = value_of(text, "fortran_order", name);
    require(text.compare(p, 5, "False") == 0,
            name + ": Fortran-order array (expected C order; save np.ascontiguousarray(a))");

    p = value_of(text, "shape", name);
    require(p < text.size() && text[p] == '(', name + ": malformed NPY header (shape is not a tuple)");
    const std::size_t close = text.find(')', p);
    require(close != std::string::npos, name + ": malformed NPY header (unterminated shape)");
    std::string dims = text.substr(p + 1, close - p - 1);
    for (std::size_t i = 0; i < dims.size();) {
        while (i < dims.size() && (dims[i] == ' ' || dims[i] == ',')) ++i;
        if (i >= dims.size()) break;
        char* stop = nullptr;
        const unsigned long long d = std::strtoull(dims.c_str() + i, &stop, 10);
        require(stop != dims.c_str() + i, name + ": malformed NPY shape '(" + dims + ")'");
        h.shape.push_back(static_cast<std::size_t>(d));
        i = stop - dims.c_str();
        if (i < dims.size() && dims[i] == 'L') ++i;  // Python 2 long suffix
    }
    return h;
}

NpyArray parse_npy(const std::vector<std::uint8_t>& bytes, const std::string& name) {
    NpyArray array;
    array.header = parse_npy_header(bytes, name);
    const NpyHeader& h = array.header;
    const std::size_t available = bytes.size() - h.data_offset;
    // The product of the declared dimensions with overflow checked, so a corrupt header can
    // neither wrap around nor ask for a huge allocation: nothing is allocated before the
    // byte count matches the file.
    std::size_t need = static_cast<std::size_t>(h.item_size);
    bool overflow = false;
    for (std::size_t d : h.shape) overflow = __builtin_mul_overflow(need, d, &need) || overflow;
    if (std::find(h.shape.begin(), h.shape.end(), std::size_t(0)) != h.shape.end()) need = 0, overflow = false;
    if (overflow)
        throw Error(name + ": shape " + shape_text(h.shape) + " of '" + h.descr + "' is larger than any file (the " +
                    std::to_string(available) + " bytes after the header; corrupt header?)");
    if (available < need)
        throw Error(name + ": truncated NPY data (shape " + shape_text(h.shape) + " of '" + h.descr + "' needs " +
                    std::to_string(need) + " bytes, " + std::to_string(available) + " follow the header)");
    if (available > need)
        throw Error(name + ": " + std::to_string(available - need) + " bytes after the data of shape " +
                    shape_text(h.shape) + " (expected exactly " + std::to_string(need) + ")");
    array.bytes.assign(bytes.begin() + static_cast<std::ptrdiff_t>(h.data_offset), bytes.end());
    return array;
}

int npy_row_width(const NpyHeader& h, std::size_t data_bytes, const std::string& name) {
    constexpr std::size_t kMaxRowWidth = std::size_t(1) << 30;
    require(!h.shape.empty(), name + ": a 0-d array (expected features of shape (N, D))");
    std::size_t D = 1, bytes = 0;
    bool overflow = false;
    for (std::size_t i = 1; i < h.shape.size(); ++i) overflow = __builtin_mul_overflow(D, h.shape[i], &D) || overflow;
    if (overflow || D > kMaxRowWidth)
        throw Error(name + ": shape " + shape_text(h.shape) + " has " +
                    (overflow ? std::string("more than 2^64") : std::to_string(D)) +
                    " features per row (expected at most " + std::to_string(kMaxRowWidth) + "; corrupt header?)");
    require(h.shape[0] <= std::size_t(std::numeric_limits<int>::max()),
            name + ": shape " + shape_text(h.shape) + " has " + std::to_string(h.shape[0]) +
                " rows (expected at most " + std::to_string(std::numeric_limits<int>::max()) + ")");
    require(h.shape[0] > 0 && D > 0, name + ": shape " + shape_text(h.shape) + " holds no values");
    if (__builtin_mul_overflow(h.shape[0], D, &bytes) ||
        __builtin_mul_overflow(bytes, static_cast<std::size_t>(h.item_size), &bytes) || bytes > data_bytes)
        throw Error(name + ": shape " + shape_text(h.shape) + " of '" + h.descr + "' needs more bytes than the " +
                    std::to_string(data_bytes) + " the file holds after its header (corrupt or truncated?)");
    return static_cast<int>(D);
}

NpyArray read_npy(const std::string& path) { return parse_npy(read_file(path), path); }

NpyHeader read_npy_header(const std::string& path) {
    // A v1 header is at most 10 + 65535 bytes; later versions rarely exceed that in practice.
    return parse_npy_header(read_file_head(path, 10 + 65536), path);
}

namespace {

template <class T>
T load(const std::uint8_t* p) {
    T v;
    std::memcpy(&v, p, sizeof v);  // little-endian host assumed (x86-64, AArch64)
    return v;
}

double element(const NpyHeader& h, const std::uint8_t* p) {
    switch (h.kind) {
        case 'f': return h.item_size == 4 ? double(load<float>(p)) : load<double>(p);
        case 'b': return *p != 0;
        case 'u':
            switch (h.item_size) {
                case 1: return *p;
                case 2: return load<std::uint16_t>(p);
                case 4: return load<std::uint32_t>(p);
                default: return double(load<std::uint64_t>(p));
            }
        default:
            switch (h.item_size) {
                case 1: return load<std::int8_t>(p);
                case 2: return load<std::int16_t>(p);
                case 4: return load<std::int32_t>(p);
                default: return double(load<std::int64_t>(p));
            }
    }
}

}  // namespace

std::vector<float> npy_floats(const NpyArray& array, const std::string& name) {
    const NpyHeader& h = array.header;
    const std::size_t n = array.count();
    const std::size_t columns = h.shape.empty() || h.shape[0] == 0 ? 1 : n / h.shape[0];
    std::vector<float> out(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double v = element(h, array.bytes.data() + i * h.item_size);
        const float f = static_cast<float>(v);
        if (!std::isfinite(f))
            throw Error(name + ": row " + std::to_string(i / columns) + ", column " + std::to_string(i % columns) +
                        " is " + (std::isnan(v) ? "NaN" : std::isinf(v) ? "infinite" : "beyond float32 range") +
                        " (features must be finite)");
        out[i] = f;
    }
    return out;
}

std::vector<int> npy_labels(const NpyArray& array, const std::string& name) {
    const NpyHeader& h = array.header;
    require(h.kind == 'i' || h.kind == 'u',
            name + ": labels have dtype '" + h.descr + "' (expected integers: int64, int32 or uint8; "
                   "save labels.astype('int64'))");
    require(h.shape.size() == 1 || (h.shape.size() == 2 && h.shape[1] == 1),
            name + ": labels have shape " + shape_text(h.shape) + " (expected (N,) or (N, 1))");
    const std::size_t n = array.count();
    std::vector<int> labels(n);
    for (std::size_t i = 0; i < n; ++i) {
        const double v = element(h, array.bytes.data() + i * h.item_size);
        if (!(v >= 0 && v < std::numeric_limits<int>::max())) {
            char text[48];  // printed from the double: a uint64 label may not fit a long long
            std::snprintf(text, sizeof text, "%.0f", v);
            throw Error(name + ": label " + text + " at row " + std::to_string(i) + " (expected a class index 0..K-1)");
        }
        labels[i] = static_cast<int>(v);
    }
    return labels;
}

void write_npy(const std::string& path, const std::string& descr, const std::vector<std::size_t>& shape,
               const void* data, std::size_t bytes) {
    std::string header = "{'descr': '" + descr + "', 'fortran_order': False, 'shape': " + shape_text(shape) + ", }";
    // Magic, version, length, header: padded with spaces and a newline to a multiple of 64.
    const std::size_t total = 10 + header.size() + 1;
    header.append((64 - total % 64) % 64, ' ');
    header += '\n';
    std::string out(kMagic, 6);
    out += '\x01';
    out += '\x00';
    out += static_cast<char>(header.size() & 0xff);
    out += static_cast<char>(header.size() >> 8);
    out += header;
    out.append(static_cast<const char*>(data), bytes);
    write_file_atomic(path, out);
}

Dataset read_npy_dataset(const std::string& features_path, const std::string& labels_path, const std::string& name) {
    const std::vector<std::uint8_t> feature_bytes = read_file(features_path);
    const std::vector<std::uint8_t> label_bytes = read_file(labels_path);
    const NpyArray features = parse_npy(feature_bytes, features_path);
    const NpyArray labels_array = parse_npy(label_bytes, labels_path);
    const NpyHeader& h = features.header;
    require(!h.shape.empty(), features_path + ": a 0-d array (expected features of shape (N, D))");
    require(h.kind == 'f' || h.kind == 'u' || h.kind == 'i',
            features_path + ": features have dtype '" + h.descr + "' (expected float32, float64 or uint8)");
    Dataset data;
    data.name = name;
    data.features = npy_row_width(h, features.bytes.size(), features_path);
    data.rows = static_cast<int>(h.shape[0]);
    data.labels = npy_labels(labels_array, labels_path);
    require(data.labels.size() == h.shape[0],
            labels_path + ": " + std::to_string(data.labels.size()) + " labels for " + std::to_string(h.shape[0]) +
                " feature rows in " + features_path + " (counts must match)");
    if (h.kind == 'u' && h.item_size == 1) data.u8 = features.bytes;  // pixels stay bytes
    else data.f32 = npy_floats(features, features_path);
    // (N, H, W) grey images or (N, C, H, W) channel-major images keep their shape.
    if (h.shape.size() == 3) data.image_shape = {1, int(h.shape[1]), int(h.shape[2])};
    if (h.shape.size() == 4 && (h.shape[1] == 1 || h.shape[1] == 3))
        data.image_shape = {int(h.shape[1]), int(h.shape[2]), int(h.shape[3])};
    int max_label = -1;
    for (int y : data.labels) max_label = std::max(max_label, y);
    data.classes = max_label + 1;
    auto base = [](const std::string& p) { return std::filesystem::path(p).filename().string(); };
    data.checksums[base(features_path)] = sha256_hex(feature_bytes.data(), feature_bytes.size(), &data.checksum_seconds);
    data.checksums[base(labels_path)] = sha256_hex(label_bytes.data(), label_bytes.size(), &data.checksum_seconds);
    return data;
}

}  // namespace mlp
