// Image-folder reader: decoding and resizing through Debian's libstb (stb_image,
// stb_image_resize); files are visited in sorted order so a dataset loads identically.
#include "mlp/image_folder.hpp"

#include <stb_image.h>
#include <stb_image_resize.h>

#include <algorithm>
#include <filesystem>
#include <memory>

#include "mlp/error.hpp"
#include "mlp/file.hpp"

namespace fs = std::filesystem;

namespace mlp {
namespace {

std::vector<std::string> sorted_entries(const std::string& dir, bool directories) {
    std::vector<std::string> names;
    std::error_code ec;
    for (const auto& entry : fs::directory_iterator(dir, ec)) {
        const std::string name = entry.path().filename().string();
        if (name.empty() || name[0] == '.') continue;
        if (directories ? entry.is_directory(ec) : entry.is_regular_file(ec)) names.push_back(name);
    }
    require(!ec, dir + ": cannot list directory (" + ec.message() + ")");
    std::sort(names.begin(), names.end());
    return names;
}

bool is_directory(const std::string& path) {
    std::error_code ec;
    return fs::is_directory(path, ec);
}

}  // namespace

bool is_image_file(const std::string& path) {
    std::string ext = fs::path(path).extension().string();
    std::transform(ext.begin(), ext.end(), ext.begin(), [](unsigned char c) { return std::tolower(c); });
    for (const char* e : {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".tga", ".pgm", ".ppm", ".pnm"})
        if (ext == e) return true;
    return false;
}

std::vector<std::uint8_t> decode_image(const std::vector<std::uint8_t>& bytes, const std::string& name,
                                       const ImageOptions& options, std::array<int, 3>& shape) {
    const int C = options.grayscale ? 1 : 3;
    int w = 0, h = 0, channels_in_file = 0;
    require(bytes.size() < (1u << 31), name + ": image file too large");
    std::unique_ptr<stbi_uc, void (*)(void*)> pixels(
        stbi_load_from_memory(bytes.data(), static_cast<int>(bytes.size()), &w, &h, &channels_in_file, C),
        stbi_image_free);
    if (!pixels)
        throw Error(name + ": cannot decode image (" + std::string(stbi_failure_reason()) +
                    "; expected a PNG, JPEG, BMP, GIF, TGA or PNM file)");
    const int H = options.height > 0 ? options.height : h, W = options.width > 0 ? options.width : w;
    std::vector<std::uint8_t> hwc(std::size_t(H) * W * C);
    if (H == h && W == w) {
        std::copy(pixels.get(), pixels.get() + hwc.size(), hwc.begin());
    } else if (!stbir_resize_uint8(pixels.get(), w, h, 0, hwc.data(), W, H, 0, C)) {
        throw Error(name + ": cannot resize " + std::to_string(w) + "x" + std::to_string(h) + " to " +
                    std::to_string(W) + "x" + std::to_string(H));
    }
    // Interleaved HWC → channel-major CHW, the layout of CIFAR-10 and of the image_shape.
    std::vector<std::uint8_t> chw(hwc.size());
    for (int c = 0; c < C; ++c)
        for (int p = 0; p < H * W; ++p) chw[std::size_t(c) * H * W + p] = hwc[std::size_t(p) * C + c];
    shape = {C, H, W};
    return chw;
}

std::vector<std::uint8_t> read_image(const std::string& path, const ImageOptions& options,
                                     std::array<int, 3>& shape) {
    return decode_image(read_file(path), path, options, shape);
}

std::vector<std::string> image_classes(const std::string& root) {
    require(is_directory(root), root + ": no such directory (expected class folders root/<class>/*.png)");
    std::vector<std::string> classes = sorted_entries(root, true);
    require(!classes.empty(), root + ": no class folders (expected root/<class>/*.png or *.jpg)");
    return classes;
}

Dataset read_image_folder(const std::string& root, const std::vector<std::string>& classes,
                          const ImageOptions& options, const std::string& name, bool allow_missing) {
    require(is_directory(root), root + ": no such directory (expected class folders root/<class>/*.png)");
    for (const std::string& folder : sorted_entries(root, true))
        require(std::find(classes.begin(), classes.end(), folder) != classes.end(),
                root + "/" + folder + ": a class folder that the training set does not have");
    Dataset data;
    data.name = name;
    data.class_names = classes;
    data.classes = static_cast<int>(classes.size());
    std::string manifest, first;
    for (std::size_t k = 0; k < classes.size(); ++k) {
        const std::string dir = root + "/" + classes[k];
        if (!is_directory(dir)) {
            require(allow_missing, dir + ": no such class folder");
            continue;
        }
        std::vector<std::string> files = sorted_entries(dir, false);
        files.erase(std::remove_if(files.begin(), files.end(), [](const std::string& f) { return !is_image_file(f); }),
                    files.end());
        require(!files.empty(), dir + ": empty class folder (expected .png, .jpg, .jpeg, .bmp, .gif, .tga or .pnm "
                                      "images)");
        for (const std::string& file : files) {
            const std::string path = dir + "/" + file;
            const std::vector<std::uint8_t> bytes = read_file(path);
            std::array<int, 3> shape{};
            std::vector<std::uint8_t> chw = decode_image(bytes, path, options, shape);
            if (data.rows == 0) {
                // Without a configured size the first image sets the size the rest must have.
                data.image_shape = shape;
                data.features = shape[0] * shape[1] * shape[2];
                first = path;
            }
            require(shape == data.image_shape,
                    path + ": " + std::to_string(shape[2]) + "x" + std::to_string(shape[1]) + " pixels, expected " +
                        std::to_string(data.image_shape[2]) + "x" + std::to_string(data.image_shape[1]) + " as " +
                        first + "; set data.image_size to resize every image");
            data.u8.insert(data.u8.end(), chw.begin(), chw.end());
            data.labels.push_back(static_cast<int>(k));
            ++data.rows;
            manifest += sha256_hex(bytes.data(), bytes.size(), &data.checksum_seconds) + " " + classes[k] + "/" + file + "\n";
        }
    }
    require(data.rows > 0, root + ": no images in any class folder");
    const std::string key = fs::path(root).lexically_normal().filename().string();
    data.checksums[(key.empty() ? fs::path(root).lexically_normal().parent_path().filename().string() : key) + "/"] =
        sha256_hex(reinterpret_cast<const std::uint8_t*>(manifest.data()), manifest.size());
    return data;
}

std::array<int, 3> image_folder_shape(const std::string& root, const std::vector<std::string>& classes,
                                      const ImageOptions& options) {
    const int C = options.grayscale ? 1 : 3;
    if (options.height > 0 && options.width > 0) return {C, options.height, options.width};
    for (const std::string& name : classes)
        for (const std::string& file : sorted_entries(root + "/" + name, false))
            if (is_image_file(file)) {
                std::array<int, 3> shape{};
                read_image(root + "/" + name + "/" + file, options, shape);
                return shape;
            }
    throw Error(root + ": no images in any class folder");
}

ImageFolderLayout image_folder_layout(const std::string& root) {
    ImageFolderLayout layout;
    if (!is_directory(root + "/train")) {
        layout.train = root;
        return layout;
    }
    layout.train = root + "/train";
    if (is_directory(root + "/val")) layout.validation = root + "/val";
    if (is_directory(root + "/test")) layout.test = root + "/test";
    return layout;
}

}  // namespace mlp
