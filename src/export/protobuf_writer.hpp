// The protocol-buffers wire format, write side only: the varint, fixed32 and
// length-delimited fields the ONNX messages of onnx.cpp need (field numbers from onnx.proto).
// No schema, no parsing, no dependency on libprotobuf.
#pragma once
#include <cstdint>
#include <cstring>
#include <string>
#include <string_view>

namespace mlp {

class ProtoWriter {
public:
    // Wire type 0: int32, int64, enum, bool. A negative int64 is its 64-bit two's complement.
    void varint_field(int field, std::uint64_t value) {
        tag(field, 0);
        varint(value);
    }
    // Wire type 5: float, little-endian.
    void float_field(int field, float value) {
        tag(field, 5);
        char bytes[4];
        std::memcpy(bytes, &value, 4);  // x86-64 and every ONNX target are little-endian
        out_.append(bytes, 4);
    }
    // Wire type 2: string, bytes, or an embedded message.
    void bytes_field(int field, std::string_view bytes) {
        tag(field, 2);
        varint(bytes.size());
        out_.append(bytes);
    }
    void message_field(int field, const ProtoWriter& message) { bytes_field(field, message.bytes()); }

    const std::string& bytes() const { return out_; }

private:
    void tag(int field, int wire_type) { varint((std::uint64_t(field) << 3) | std::uint64_t(wire_type)); }
    // 7 bits per byte, least significant group first, high bit set on all but the last.
    void varint(std::uint64_t value) {
        while (value >= 0x80) {
            out_.push_back(static_cast<char>((value & 0x7f) | 0x80));
            value >>= 7;
        }
        out_.push_back(static_cast<char>(value));
    }

    std::string out_;
};

}  // namespace mlp
