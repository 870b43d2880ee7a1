// Image folders: root/<class>/*.png|jpg|... decoded with stb_image, converted to RGB or
// grey, resized with stb_image_resize to one size, stored as uint8 CHW. Class names are
// the folder names, sorted. A root holding train/ (and optionally val/, test/) is split.
#pragma once
#include <array>
#include <cstdint>
#include <string>
#include <vector>

#include "mlp/dataset.hpp"

namespace mlp {

struct ImageOptions {
    int height = 0, width = 0;  // 0: keep the source size (every image must then agree)
    bool grayscale = false;     // 1 channel instead of 3
};

// True for the extensions stb_image decodes: png, jpg/jpeg, bmp, gif, tga, pgm/ppm/pnm.
bool is_image_file(const std::string& path);

// Decodes image bytes to CHW uint8 at the options' size; shape receives {C, H, W}.
// Throws Error naming `name` when the bytes are not a decodable image.
std::vector<std::uint8_t> decode_image(const std::vector<std::uint8_t>& bytes, const std::string& name,
                                       const ImageOptions& options, std::array<int, 3>& shape);
std::vector<std::uint8_t> read_image(const std::string& path, const ImageOptions& options,
                                     std::array<int, 3>& shape);

// The class folders of root, sorted byte-wise (hidden folders skipped).
std::vector<std::string> image_classes(const std::string& root);

// Every image of root/<class>/ for the given class list (label = position in it). A class
// folder may be missing only when allow_missing (test sets); an existing one must hold
// images. Checksum: one sha256 over "sha256 class/file" lines, keyed "<root name>/".
Dataset read_image_folder(const std::string& root, const std::vector<std::string>& classes,
                          const ImageOptions& options, const std::string& name, bool allow_missing = false);

// The {C, H, W} a folder's images will have: the options' size, or the first image's.
std::array<int, 3> image_folder_shape(const std::string& root, const std::vector<std::string>& classes,
                                      const ImageOptions& options);

// Where the splits of an image-folder root are: train/, val/ and test/ when root has a
// train/ folder (val and test empty when absent), else the whole root is train.
struct ImageFolderLayout {
    std::string train, validation, test;
};
ImageFolderLayout image_folder_layout(const std::string& root);

}  // namespace mlp
