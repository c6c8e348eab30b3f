#pragma once
// The cell of a population of model "cable" (dendrites/cable_population.hpp) from its
// [[population]] table: morphology or swc, cm, Ra, d_lambda, spike_site, [[.mechanism]],
// [[.synapse]], [[.probe]]. See the README's "Multi-compartment cells".
#include "engram/spec/model_spec.hpp"
#include "engram/spec/toml_reader.hpp"

namespace engram {

// Reads the cell keys of `r` into pop.cable and points pop.model at its own copy of the
// model; InputError (file, line, key) for every fault, checked by building one cell at dt.
void read_cable(TableReader& r, PopulationSpec& pop, double dt);

}  // namespace engram
