// `mlp data show`: a grid of N random training images per class of a config's dataset,
// written as a PNG, to look at the data before training on it.
#include <cstdio>
#include <filesystem>

#include "commands.hpp"
#include "config.hpp"
#include "mlp/error.hpp"
#include "mlp/figures.hpp"
#include "mlp/file.hpp"

namespace mlp {

int data_show_command(const DataShowOptions& options) {
    const Config config = load_config(options.config, options.overrides);
    const DataSplits data = load_data(config.data);
    require(data.train_data->image_shape[0] > 0, config.source + ": data." + config.data.dataset + " rows are not images");
    const std::string out = options.out.empty() ? config.data.dataset + "_samples.png" : options.out;
    const std::filesystem::path parent = std::filesystem::path(out).parent_path();
    if (!parent.empty()) make_directories(parent.string());
    const Png png = sample_grid_png(data.train, options.per_class, config.train.seed,
                                    data.train_data->name + ": " + std::to_string(options.per_class) +
                                        " random training images per class");
    write_png(out, png);
    std::printf("samples: %s (%d per class, %dx%d pixels)\n", out.c_str(), options.per_class, png.width, png.height);
    return 0;
}

}  // namespace mlp
