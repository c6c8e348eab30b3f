#pragma once
// Builds a projection's synapses from its connection rule.
//
// Determinism: every random number comes from a Philox stream keyed by the seed, the
// projection's index and the *target* neuron's global id (fixed_outdegree: the source's),
// so the synapses do not depend on how neurons are split across threads or ranks. The
// rule is evaluated twice with the same streams: once to count synapses per source, once
// to fill the CSR arrays, so no temporary list of all synapses is needed.
// fixed_indegree / fixed_outdegree with a distance profile draw each owner's k partners
// with probability proportional to profile(distance): spatial_sampler.hpp (exact
// rejection sampling, no enumeration of all pairs).
#include <cstdint>

#include "engram/network/projection.hpp"
#include "engram/spec/model_spec.hpp"

namespace engram {

// The synapses of projection `index` onto targets [lo, hi) of its target population (a
// thread's shard; by default all). A shard holds each row's synapses in the order of the
// whole projection, with the same weights and delays.
Projection build_projection(const ModelSpec& spec, uint32_t index, uint32_t lo = 0,
                            uint32_t hi = UINT32_MAX);
// The same for a projection that is not in spec.projections (gap junctions), with its random
// streams keyed by `stream_index` (distinct from every projection's index).
Projection build_projection(const ModelSpec& spec, const ProjectionSpec& projection,
                            uint32_t stream_index, uint32_t lo = 0, uint32_t hi = UINT32_MAX);

// The expected number of synapses of projection `index`, without drawing them (for a
// distance profile, from the exact sums over a sample of up to 64 targets).
double expected_synapses(const ModelSpec& spec, uint32_t index);

// Draws one value of a distribution (used for weights, delays and initial states).
class RandomStream;
double draw(const Distribution& d, RandomStream& r);

}  // namespace engram
