#include "engram/engine/network.hpp"

#include <algorithm>

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

namespace {

// The synapses of `full` onto targets [lo, hi), each row in its original order.
Projection shard_of(const Projection& full, uint32_t lo, uint32_t hi) {
  Projection s;
  s.name = full.name;
  s.from = full.from;
  s.to = full.to;
  s.receptor = full.receptor;
  s.uniform_weight = full.uniform_weight;
  s.uniform_delay = full.uniform_delay;
  s.min_delay = full.min_delay;
  s.max_delay = full.max_delay;
  const size_t rows = full.row_offset.size() - 1;
  s.row_offset.resize(rows + 1);
  for (size_t i = 0; i < rows; ++i) {
    s.row_offset[i] = static_cast<uint32_t>(s.target.size());
    for (uint32_t k = full.row_offset[i]; k < full.row_offset[i + 1]; ++k) {
      if (full.target[k] < lo || full.target[k] >= hi) continue;
      s.target.push_back(full.target[k]);
      if (!full.weight.empty()) s.weight.push_back(full.weight[k]);
      if (!full.delay.empty()) s.delay.push_back(full.delay[k]);
    }
  }
  s.row_offset[rows] = static_cast<uint32_t>(s.target.size());
  s.target.shrink_to_fit();
  s.weight.shrink_to_fit();
  s.delay.shrink_to_fit();
  return s;
}

}  // namespace
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

Network build_network(const ModelSpec& spec) {
  Network net;
  net.dt = spec.protocol.dt;
  net.seed = spec.protocol.seed;
  for (uint32_t i = 0; i < spec.projections.size(); ++i)
    net.projections.push_back(build_projection(spec, i));
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
                             static_cast<uint32_t>(net.max_delay) + 1, ps.size);
    for (uint32_t j = 0; j < net.projections.size(); ++j)
      if (net.projections[j].from == k) pop.outgoing.push_back(j);
    net.populations.push_back(std::move(pop));
    offset += ps.size;
  }
  net.threads = spec.protocol.threads;
  if (net.threads > 1) {
    net.shards.resize(net.threads);
    for (uint32_t t = 0; t < net.threads; ++t)
      for (auto& pr : net.projections) {
        auto [lo, hi] = net.range(pr.to, t);
        net.shards[t].push_back(shard_of(pr, lo, hi));
      }
    for (auto& pr : net.projections) {  // keep the metadata only
      pr.row_offset = {};
      pr.target = {};
      pr.weight = {};
      pr.delay = {};
    }
  }
  for (const auto& st : spec.stimuli) {
    auto& pop = net.populations[st.target];
    if (st.kind != StimulusKind::poisson && pop.i_stim.empty()) pop.i_stim.assign(pop.size, 0.0);
  }
  return net;
}

}  // namespace engram
