#include "engram/engine/network.hpp"

#include <algorithm>
#include <cstdint>
#include <exception>
#include <limits>

#include "engram/core/random.hpp"
#include "engram/network/connectivity.hpp"

namespace engram {

template <class F>
size_t sum_over_synapses(const Network& net, F f) {
  size_t n = 0;
  for (uint32_t t = 0; t < net.threads; ++t)
    for (uint32_t j = 0; j < net.projections.size(); ++j) n += f(net.shard(t, j));
  return n;
}

uint64_t Network::synapse_count() const {
  return sum_over_synapses(*this, [](const Projection& p) { return p.size(); });
}
size_t Network::synapse_bytes() const {
  return sum_over_synapses(*this, [](const Projection& p) { return p.synapse_bytes(); });
}
size_t Network::index_bytes() const {
  return sum_over_synapses(*this, [](const Projection& p) { return p.index_bytes(); });
}

size_t Network::buffer_bytes() const {
  size_t n = 0;
  for (const auto& p : populations) n += p.inputs.bytes();
  return n;
}
uint32_t Network::neuron_count() const {
  uint32_t n = 0;
  for (const auto& p : populations) n += p.size;
  return n;
}

Network build_network(const ModelSpec& spec, const Communicator& comm) {
  Network net;
  net.dt = spec.protocol.dt;
  net.seed = spec.protocol.seed;
  // Each thread draws its own partition's shard of every projection (the synapses onto its
  // targets), in parallel; a shard is what the thread alone reads and writes later.
  net.threads = spec.protocol.threads;
  net.rank = static_cast<uint32_t>(comm.rank());
  net.ranks = static_cast<uint32_t>(comm.size());
  const auto n_proj = static_cast<uint32_t>(spec.projections.size());
  std::exception_ptr failure;
  if (!net.sharded()) {
    try {
      for (uint32_t j = 0; j < n_proj; ++j) net.projections.push_back(build_projection(spec, j));
    } catch (...) {
      failure = std::current_exception();
    }
  } else {
    const uint64_t parts = net.partitions();
    net.shards.assign(net.threads, std::vector<Projection>(n_proj));
#pragma omp parallel for num_threads(net.threads) schedule(static, 1)
    for (uint32_t t = 0; t < net.threads; ++t) {
      try {
        const uint64_t part = net.partition_of(t);
        for (uint32_t j = 0; j < n_proj; ++j) {
          const uint64_t n = spec.populations[spec.projections[j].to].size;
          net.shards[t][j] = build_projection(spec, j, static_cast<uint32_t>(n * part / parts),
                                              static_cast<uint32_t>(n * (part + 1) / parts));
        }
      } catch (...) {
#pragma omp critical
        failure = std::current_exception();
      }
    }
  }
  // a rank that failed must not leave the others waiting in the reductions below
  comm.agree(failure);
  if (net.sharded()) {
    // delays over every shard of every rank: all ranks must agree on the min-delay interval
    std::vector<int64_t> lo(n_proj, std::numeric_limits<int64_t>::max()), hi(n_proj, -1);
    for (uint32_t j = 0; j < n_proj; ++j)
      for (uint32_t t = 0; t < net.threads; ++t) {
        const Projection& s = net.shards[t][j];
        if (s.size() == 0 && !s.delay.empty()) continue;
        lo[j] = std::min<int64_t>(lo[j], s.min_delay);
        hi[j] = std::max<int64_t>(hi[j], s.max_delay);
      }
    comm.min(lo);
    comm.max(hi);
    for (uint32_t j = 0; j < n_proj; ++j) {
      Projection meta;  // metadata only
      const Projection& first = net.shards[0][j];
      meta.name = first.name;
      meta.from = first.from;
      meta.to = first.to;
      meta.receptor = first.receptor;
      meta.uniform_weight = first.uniform_weight;
      meta.uniform_delay = first.uniform_delay;
      if (lo[j] > hi[j]) {
        meta.min_delay = meta.max_delay = meta.uniform_delay;
      } else {
        meta.min_delay = static_cast<uint16_t>(lo[j]);
        meta.max_delay = static_cast<uint16_t>(hi[j]);
      }
      net.projections.push_back(std::move(meta));
    }
  }
  if (!net.projections.empty()) {
    net.min_delay = net.max_delay = net.projections[0].min_delay;
    for (const auto& p : net.projections) {
      net.min_delay = std::min(net.min_delay, p.min_delay);
      net.max_delay = std::max(net.max_delay, p.max_delay);
    }
  }
  uint32_t offset = 0;
  for (uint32_t k = 0; k < spec.populations.size(); ++k) {
    const PopulationSpec& ps = spec.populations[k];
    Population pop;
    pop.name = ps.name;
    pop.model = ps.model;
    pop.size = ps.size;
    pop.gid_offset = offset;
    GroupSetup setup;
    setup.params = ps.params;
    setup.size = ps.size;
    setup.dt = spec.protocol.dt;
    setup.integrator = ps.integrator;
    setup.seed = spec.protocol.seed;
    setup.gid_offset = offset;
    setup.group_index = k;
    setup.spike_times = ps.spike_times;
    setup.cable = ps.cable;
    pop.group = ps.model->create(setup);
    // initial state: table default (a parameter's value or a constant), then the spec's init
    for (size_t s = 0; s < ps.model->state.size(); ++s) {
      const StateSpec& st = ps.model->state[s];
      double v0 = st.init_value;
      if (!st.init_param.empty()) v0 = ps.params[find_index(ps.model->params, st.init_param)];
      auto values = pop.group->state(s);
      const Distribution* d = nullptr;
      for (const auto& [idx, dist] : ps.init)
        if (static_cast<size_t>(idx) == s) d = &dist;
      for (uint32_t i = 0; i < ps.size; ++i) {
        if (d) {
          RandomStream r(spec.protocol.seed, purpose_word(Purpose::init_state, k * 64 + s),
                         offset + i);
          values[i] = draw(*d, r);
        } else {
          values[i] = v0;
        }
      }
    }
    pop.inputs = RingBuffers(static_cast<uint32_t>(ps.model->receptors.size()),
                             static_cast<uint32_t>(net.max_delay) + 1, ps.size, net.threads);
    for (uint32_t j = 0; j < net.projections.size(); ++j)
      if (net.projections[j].from == k) pop.outgoing.push_back(j);
    net.populations.push_back(std::move(pop));
    offset += ps.size;
  }

  if (net.threads > 1) {
    // each thread's first touch of its own input buffers (RingBuffers)
#pragma omp parallel for num_threads(net.threads) schedule(static, 1)
    for (uint32_t t = 0; t < net.threads; ++t)
      for (uint32_t p = 0; p < net.populations.size(); ++p) {
        const auto [lo, hi] = net.range(p, t);
        net.populations[p].inputs.clear(t, lo, hi);
      }
  }
  for (const auto& st : spec.stimuli) {
    auto& pop = net.populations[st.target];
    if (st.kind != StimulusKind::poisson && pop.i_stim.empty()) pop.i_stim.assign(pop.size, 0.0);
  }
  return net;
}

}  // namespace engram
