#include "engram/analysis/step_bounds.hpp"

#include <fmt/format.h>

#include "engram/core/error.hpp"

namespace engram {

void check_step_bounds(const ModelSpec& spec) {
  for (const auto& p : spec.populations) {
    if (!p.model->stable_dt) continue;
    const StepBound b = p.model->stable_dt(p.params, p.integrator);
    if (!b.certain || !(b.dt > 0) || spec.protocol.dt <= b.dt) continue;
    throw InputError(p.origin.where, p.origin.key_path + ".integrator",
                     fmt::format("population '{}': integrator {} is unstable at dt = {:g} ms for "
                                 "these parameters (above {:g} ms its resting state is unstable: "
                                 "it flips from step to step or blows up); "
                                 "use dt <= {:g} ms or the model's adaptive integrator",
                                 p.name, p.integrator, spec.protocol.dt, b.dt, b.dt));
  }
}

}  // namespace engram
