#include "engram/dendrites/mechanism.hpp"

#include <array>

namespace engram::dendrites {

extern const MechanismInfo kPas, kHh, kCaHva, kIh, kTraub;

namespace {
// One line per mechanism.
const std::array<const MechanismInfo*, 5> kMechanisms = {&kPas, &kHh, &kCaHva, &kIh, &kTraub};
}  // namespace

std::span<const MechanismInfo* const> all_mechanisms() {
  return kMechanisms;
}

const MechanismInfo* find_mechanism(std::string_view name) {
  for (const auto* m : kMechanisms)
    if (m->name == name) return m;
  return nullptr;
}

}  // namespace engram::dendrites
