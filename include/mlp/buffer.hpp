// A 64-byte-aligned, fixed-size array of T: the storage behind Params, Grads, optimizer
// State and the Workspace. It never grows; resizing means building a new one.
#pragma once
#include <cstddef>
#include <cstdlib>
#include <cstring>
#include <new>
#include <stdexcept>
#include <utility>

namespace mlp {

template <class T>
class Buffer {
public:
    Buffer() = default;
    explicit Buffer(std::size_t size) : size_(size) {
        if (size == 0) return;
        std::size_t bytes = (size * sizeof(T) + 63) / 64 * 64;
        data_ = static_cast<T*>(std::aligned_alloc(64, bytes));
        if (!data_) throw std::bad_alloc();
        std::memset(static_cast<void*>(data_), 0, bytes);
    }
    Buffer(const Buffer& other) : Buffer(other.size_) {
        if (size_) std::memcpy(static_cast<void*>(data_), other.data_, size_ * sizeof(T));
    }
    Buffer(Buffer&& other) noexcept { swap(other); }
    Buffer& operator=(Buffer other) noexcept { swap(other); return *this; }
    ~Buffer() { std::free(data_); }

    void swap(Buffer& other) noexcept {
        std::swap(data_, other.data_);
        std::swap(size_, other.size_);
    }
    T* data() { return data_; }
    const T* data() const { return data_; }
    std::size_t size() const { return size_; }
    T& operator[](std::size_t i) { return data_[i]; }
    const T& operator[](std::size_t i) const { return data_[i]; }
    T* begin() { return data_; }
    T* end() { return data_ + size_; }
    const T* begin() const { return data_; }
    const T* end() const { return data_ + size_; }
    // Copies another buffer of the same size into this one, without allocating.
    void copy_from(const Buffer& other) {
        if (other.size_ != size_) throw std::length_error("Buffer::copy_from: sizes differ");
        if (size_) std::memcpy(static_cast<void*>(data_), other.data_, size_ * sizeof(T));
    }
    void fill(T value) { for (std::size_t i = 0; i < size_; ++i) data_[i] = value; }

private:
    T* data_ = nullptr;
    std::size_t size_ = 0;
};

}  // namespace mlp
