// One kind of data source ([data] dataset = "..."): where its files usually are, how many
// rows it holds out for validation by default, how it reads its splits and its shape. Each
// kind lives in its own file (kind_*.cpp); data_source.cpp asks the kind instead of
// comparing names, so adding a kind is one file, a line in dataset_kinds(), and tests (the
// config schema asks it which of its keys apply).
#pragma once
#include <memory>
#include <string>
#include <vector>

#include "mlp/data_source.hpp"

namespace mlp {

constexpr int kMaxClasses = 65536;

// The splits a source has: always train; test and validation where it has its own.
struct Sources {
    std::unique_ptr<Dataset> train, validation, test;
};

struct DatasetKind {
    std::string name;
    std::string (*default_dir)();            // "" → the config names its files (or data.dir)
    double default_validation;               // data.validation = "auto" without a validation split: a count or a fraction
    Sources (*read)(const DataConfig&);      // every split it has, classes not yet selected
    DataShape (*shape)(const DataConfig&);   // D, K, image shape and class names, reading as little as it can
    std::vector<std::string> keys;           // the [data] keys only some kinds read, that this one reads
};

// Every kind, in the order the docs list them.
const std::vector<DatasetKind>& dataset_kinds();
// The kind called `name`; throws Error listing the valid names.
const DatasetKind& dataset_kind(const std::string& name);

// The kinds, one function each (kind_*.cpp).
DatasetKind mnist_kind();
DatasetKind fashion_mnist_kind();
DatasetKind cifar10_kind();
DatasetKind npy_kind();
DatasetKind csv_kind();
DatasetKind images_kind();

// value, or Error "data.<key>: required for this dataset (<what>)" when it is empty.
const std::string& required(const std::string& value, const std::string& key, const std::string& what);

}  // namespace mlp
