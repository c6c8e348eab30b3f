#include <array>

#include "engram/models/model.hpp"

namespace engram {

extern const ModelInfo kMcCullochPitts, kLifPscDelta, kLifPscExp, kLifPscAlpha, kLifCondExp,
    kPoissonSource, kSpikeSource;
extern const ModelInfo kHhSquid, kHhCondExpTraub;
extern const ModelInfo kIzhikevich, kAdexPscExp, kAdexCondExp;
extern const ModelInfo kAdexCondReceptors, kAdexPscDeltaClopath;
extern const ModelInfo kLifPscBeta, kLifCondAlpha, kLifCondBeta, kLifCondReceptors;
extern const ModelInfo kLifPscExpAdapt, kLifCondExpAdapt;
extern const ModelInfo kCable;

namespace {
// One line per model; the order is the order of `engram models`.
const std::array<const ModelInfo*, 21> kModels = {
    &kMcCullochPitts, &kLifPscDelta,       &kLifPscExp,
    &kLifPscExpAdapt, &kLifPscAlpha,       &kLifPscBeta,
    &kLifCondExp,     &kLifCondExpAdapt,   &kLifCondAlpha,
    &kLifCondBeta,    &kLifCondReceptors,  &kHhSquid,
    &kHhCondExpTraub, &kIzhikevich,        &kAdexPscExp,
    &kAdexCondExp,    &kAdexCondReceptors, &kAdexPscDeltaClopath,
    &kCable,          &kPoissonSource,     &kSpikeSource,
};
}  // namespace

std::span<const ModelInfo* const> all_models() {
  return kModels;
}

const ModelInfo* find_model(std::string_view name) {
  for (const auto* m : kModels)
    if (m->name == name) return m;
  return nullptr;
}

}  // namespace engram
