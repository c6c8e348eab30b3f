// Micro-benchmarks of the engine's hot loops (Google Benchmark), for profiling before
// optimising: one neuron update step per model, spike delivery, Poisson input, Philox.
//   cmake -S . -B build -G Ninja && ninja -C build engram_micro && build/bench/engram_micro
// Network-level figures against peers are in bench/run_bench.py.
#include <benchmark/benchmark.h>

#include <fmt/format.h>

#include "engram/core/random.hpp"
#include "engram/engine/simulation.hpp"
#include "engram/spec/parse.hpp"

namespace engram {
namespace {

ModelSpec single_population(std::string_view model, int n) {
  return load_model_text(fmt::format(R"(
[protocol]
duration = "1000 ms"
[[population]]
name = "p"
size = {}
model = "{}"
init = {{ v = {{ uniform = ["-70 mV", "-56 mV"] }} }}
)",
                                     n, model),
                         "micro.toml", ".");
}

// One step of a population's update: ns per neuron is time / items.
void NeuronUpdate(benchmark::State& state, const char* model) {
  const int n = static_cast<int>(state.range(0));
  Network net = build_network(single_population(model, n));
  Population& pop = net.populations[0];
  std::vector<SynInput*> syn(pop.inputs.receptors());
  std::vector<uint32_t> spiked;
  int64_t step = 0;
  for (auto _ : state) {
    for (uint32_t r = 0; r < syn.size(); ++r) syn[r] = pop.inputs.slot(r, step);
    StepInput in{step, syn, nullptr};
    spiked.clear();
    pop.group->update(in, 0, pop.size, spiked);
    ++step;
    benchmark::DoNotOptimize(spiked.data());
  }
  state.SetItemsProcessed(state.iterations() * n);
}
BENCHMARK_CAPTURE(NeuronUpdate, lif_psc_delta, "lif_psc_delta")->Arg(4000)->Arg(40000);
BENCHMARK_CAPTURE(NeuronUpdate, lif_psc_exp, "lif_psc_exp")->Arg(4000)->Arg(40000);
BENCHMARK_CAPTURE(NeuronUpdate, lif_psc_alpha, "lif_psc_alpha")->Arg(4000)->Arg(40000);
BENCHMARK_CAPTURE(NeuronUpdate, lif_cond_exp, "lif_cond_exp")->Arg(4000)->Arg(40000);

void Philox(benchmark::State& state) {
  RandomStream r(1, 2, 3);
  double sum = 0;
  for (auto _ : state) sum += r.uniform();
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(Philox);

void PoissonDraw(benchmark::State& state) {
  PoissonSampler s(state.range(0) / 1000.0);
  RandomStream r(1, 2, 3);
  uint64_t sum = 0;
  for (auto _ : state) sum += s(r);
  benchmark::DoNotOptimize(sum);
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(PoissonDraw)->Arg(2)->Arg(2000)->Arg(20000);

// A whole simulated second of the CUBA benchmark network (examples/cuba.toml): sim time only.
void CubaSecond(benchmark::State& state) {
  auto spec = load_model_file(ENGRAM_SOURCE_DIR "/examples/cuba.toml", {{"record", "[]"}});
  for (auto _ : state) {
    Simulation sim(spec);
    sim.run();
    state.SetIterationTime(sim.sim_seconds());
  }
}
BENCHMARK(CubaSecond)->UseManualTime()->Unit(benchmark::kMillisecond)->Iterations(3);

}  // namespace
}  // namespace engram

BENCHMARK_MAIN();
