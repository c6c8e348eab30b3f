#include "engram/io/weight_recorder.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numeric>

namespace engram {

WeightRecorders::WeightRecorders(const ModelSpec& spec, const Network& net, int64_t n_steps) {
  for (const auto& r : spec.records) {
    if (r.projection < 0) continue;
    WeightRecording w;
    w.projection = static_cast<uint32_t>(r.projection);
    w.interval_steps = std::max<int64_t>(1, std::llround(r.interval / net.dt));
    w.first_k = std::llround(std::ceil(r.start / net.dt - 1e-9));
    const int64_t stop_k =
        std::isfinite(r.stop) ? std::llround(std::floor(r.stop / net.dt + 1e-9)) : n_steps;
    const int64_t end_k = std::min(stop_k, n_steps);
    w.last_k = end_k < w.first_k
                   ? w.first_k - 1
                   : w.first_k + (end_k - w.first_k) / w.interval_steps * w.interval_steps;
    w.wanted = r.synapses;
    w.parts.resize(net.threads);
    recs_.push_back(std::move(w));
  }
}

bool WeightRecorders::due(uint32_t projection, int64_t k) const {
  for (const auto& r : recs_)
    if (r.projection == projection && due(r, k)) return true;
  return false;
}

bool WeightRecorders::any_due(int64_t k) const {
  for (const auto& r : recs_)
    if (due(r, k)) return true;
  return false;
}

void WeightRecorders::sample(int64_t k, const Network& net, uint32_t thread) {
  for (auto& r : recs_) {
    if (!due(r, k)) continue;
    const Projection& p = net.shard(thread, r.projection);
    auto& out = r.parts[thread];
    // room for every sample at once: growing by doubling copied and faulted in megabytes
    if (out.empty())
      out.reserve(static_cast<size_t>((r.last_k - r.first_k) / r.interval_steps + 1) * p.size());
    if (p.weight.empty())
      out.insert(out.end(), p.size(), static_cast<float>(p.uniform_weight));
    else
      out.insert(out.end(), p.weight.begin(), p.weight.end());
    if (thread == 0) ++r.samples;
  }
}

void WeightRecorders::finish(const Network& net, const Communicator& comm) {
  for (auto& r : recs_) {
    // this rank's synapses in partition order, row by row, and their samples
    std::vector<uint32_t> src, tgt;
    std::vector<size_t> shard_size;
    for (uint32_t t = 0; t < net.threads; ++t) {
      const Projection& p = net.shard(t, r.projection);
      for (uint32_t s = 0; s + 1 < p.row_offset.size(); ++s)
        for (uint32_t k = p.row_offset[s]; k < p.row_offset[s + 1]; ++k) {
          src.push_back(s);
          tgt.push_back(p.target[k]);
        }
      shard_size.push_back(p.size());
    }
    const size_t n = src.size(), samples = r.samples;
    // [n][sources][targets][samples × n weights, sample-major over this rank's synapses];
    // one rank leaves out the samples and reads them in place (r.parts) below
    const bool local = comm.size() == 1;
    std::vector<uint32_t> words;
    words.reserve(1 + 2 * n + (local ? 0 : samples * n));
    words.push_back(static_cast<uint32_t>(n));
    words.insert(words.end(), src.begin(), src.end());
    words.insert(words.end(), tgt.begin(), tgt.end());
    if (!local) {
      words.resize(1 + 2 * n + samples * n);
      uint32_t* out = words.data() + 1 + 2 * n;
      for (size_t i = 0; i < samples; ++i)
        for (uint32_t t = 0; t < net.threads; ++t) {
          std::memcpy(out, r.parts[t].data() + i * shard_size[t], shard_size[t] * 4);
          out += shard_size[t];
        }
      r.parts.clear();
    }
    std::vector<std::vector<uint32_t>> blocks;
    if (local) {
      blocks.push_back(std::move(words));
    } else {
      auto parts = comm.gather_to_root(std::as_bytes(std::span<const uint32_t>(words)));
      if (!comm.is_root()) continue;
      for (const auto& bytes : parts) {
        std::vector<uint32_t> b(bytes.size() / 4);
        std::memcpy(b.data(), bytes.data(), b.size() * 4);
        blocks.push_back(std::move(b));
      }
    }
    // all synapses in rank order; canonical order by a stable sort on (source, target)
    std::vector<uint32_t> all_src, all_tgt;
    std::vector<std::pair<size_t, size_t>> where;  // (block, index in block)
    for (size_t b = 0; b < blocks.size(); ++b) {
      const size_t nb = blocks[b][0];
      for (size_t i = 0; i < nb; ++i) {
        all_src.push_back(blocks[b][1 + i]);
        all_tgt.push_back(blocks[b][1 + nb + i]);
        where.emplace_back(b, i);
      }
    }
    std::vector<size_t> order(all_src.size());
    std::iota(order.begin(), order.end(), size_t{0});
    std::stable_sort(order.begin(), order.end(), [&](size_t a, size_t b) {
      return all_src[a] != all_src[b] ? all_src[a] < all_src[b] : all_tgt[a] < all_tgt[b];
    });
    const size_t total = order.size();
    std::vector<size_t> keep;
    if (r.wanted == 0 || r.wanted >= total) {
      keep = order;
    } else {
      for (size_t i = 0; i < r.wanted; ++i) keep.push_back(order[i * total / r.wanted]);
    }
    r.source.clear();
    r.target.clear();
    for (size_t i : keep) {
      r.source.push_back(all_src[i]);
      r.target.push_back(all_tgt[i]);
    }
    r.data.assign(samples * keep.size(), 0.0f);
    if (local) {
      // synapse i of this rank: in the shard of thread t, at i - (the shards before t)
      std::vector<size_t> shard_start(net.threads + 1, 0);
      for (uint32_t t = 0; t < net.threads; ++t)
        shard_start[t + 1] = shard_start[t] + shard_size[t];
      for (size_t c = 0; c < keep.size(); ++c) {
        const size_t i = where[keep[c]].second;
        uint32_t t = 0;
        while (i >= shard_start[t + 1]) ++t;
        const float* w = r.parts[t].data() + (i - shard_start[t]);
        for (size_t sidx = 0; sidx < samples; ++sidx)
          r.data[sidx * keep.size() + c] = w[sidx * shard_size[t]];
      }
      r.parts.clear();
      continue;
    }
    for (size_t sidx = 0; sidx < samples; ++sidx)
      for (size_t c = 0; c < keep.size(); ++c) {
        const auto [b, i] = where[keep[c]];
        const size_t nb = blocks[b][0];
        const uint32_t bits = blocks[b][1 + 2 * nb + sidx * nb + i];
        std::memcpy(&r.data[sidx * keep.size() + c], &bits, 4);
      }
  }
}

}  // namespace engram
