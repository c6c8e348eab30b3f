#pragma once
namespace engram {
inline constexpr const char* kVersion = "0.1.0";
}
