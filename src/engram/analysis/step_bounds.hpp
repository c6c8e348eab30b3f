#pragma once
// The load-time check of ModelInfo::stable_dt: a population whose explicit integrator is
// certainly unstable at the protocol's dt is bad input (exit 2), not a blow-up after a long
// build. It belongs with the other parameter checks of the spec (parse.cpp,
// check_model_params); until it moves there the command line calls it after loading.
#include "engram/spec/model_spec.hpp"

namespace engram {

// Throws InputError naming the population, its integrator, dt and the bound.
void check_step_bounds(const ModelSpec& spec);

}  // namespace engram
