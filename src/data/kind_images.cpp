// Image folders: <dir>/<class>/*.png (or train/, val/, test/ above the class folders),
// every image brought to one size; classes are the folder names.
#include "dataset_kind.hpp"
#include "mlp/image_folder.hpp"

namespace mlp {
namespace {

ImageOptions image_options(const DataConfig& c) { return ImageOptions{c.image_height, c.image_width, c.grayscale}; }

ImageFolderLayout layout_of(const DataConfig& c) {
    return image_folder_layout(required(c.dir, "dir", "the image-folder root: <dir>/<class>/*.png"));
}

Sources read(const DataConfig& c) {
    const ImageFolderLayout layout = layout_of(c);
    const std::vector<std::string> classes = image_classes(layout.train);
    Sources s;
    s.train = std::make_unique<Dataset>(read_image_folder(layout.train, classes, image_options(c), "images"));
    // Validation and test images are brought to the training images' size.
    ImageOptions same = image_options(c);
    same.height = s.train->image_shape[1];
    same.width = s.train->image_shape[2];
    if (!layout.validation.empty())
        s.validation = std::make_unique<Dataset>(read_image_folder(layout.validation, classes, same, "images", true));
    if (!layout.test.empty())
        s.test = std::make_unique<Dataset>(read_image_folder(layout.test, classes, same, "images", true));
    return s;
}

// From the folder listing and one image's size.
DataShape shape(const DataConfig& c) {
    const ImageFolderLayout layout = layout_of(c);
    DataShape s;
    s.class_names = image_classes(layout.train);
    s.classes = static_cast<int>(s.class_names.size());
    s.image_shape = image_folder_shape(layout.train, s.class_names, image_options(c));
    s.features = s.image_shape[0] * s.image_shape[1] * s.image_shape[2];
    return s;
}

}  // namespace

DatasetKind images_kind() {
    return {"images", [] { return std::string(); }, 0.1, read, shape, {"image_size", "grayscale", "test_fraction"}};
}

}  // namespace mlp
