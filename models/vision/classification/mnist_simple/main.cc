// MNIST demo: runs the HALO-compiled mnist_simple model over a test set.
//
// This is the seed's demo application: it includes the header HALO generated
// (model.h, found through -I<output dir>), feeds every 28x28 test image to
// mnist_simple(), takes the argmax of the 10 scores and prints the accuracy.
//
// Usage: demo test_images.bin test_labels.bin
//   test_images.bin  uint8 pixels 0..255, N * 784 bytes, row-major
//   test_labels.bin  uint8 labels 0..9, N bytes

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <iterator>
#include <string>
#include <vector>

#include "model.h"

namespace {

constexpr std::size_t kImageSize = 28 * 28;
constexpr std::size_t kNumClasses = 10;

/// Reads a whole file into `data`; returns false (after printing why) on error.
bool ReadFile(const std::string& path, std::vector<unsigned char>* data) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    std::cerr << "error: cannot open '" << path << "'\n";
    return false;
  }
  data->assign(std::istreambuf_iterator<char>(in),
               std::istreambuf_iterator<char>());
  if (in.bad()) {
    std::cerr << "error: cannot read '" << path << "'\n";
    return false;
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 3) {
    std::cerr << "usage: " << (argc > 0 ? argv[0] : "demo")
              << " test_images.bin test_labels.bin\n";
    return 1;
  }
  std::vector<unsigned char> images;
  std::vector<unsigned char> labels;
  if (!ReadFile(argv[1], &images) || !ReadFile(argv[2], &labels)) {
    return 1;
  }
  const std::size_t count = labels.size();
  if (count == 0 || images.size() != count * kImageSize) {
    std::cerr << "error: '" << argv[1] << "' has " << images.size()
              << " bytes but '" << argv[2] << "' has " << count
              << " labels; expected " << count << " * " << kImageSize
              << " = " << count * kImageSize << " image bytes\n";
    return 1;
  }

  mnist_simple_init();  // Builds the computation once.
  std::size_t correct = 0;
  for (std::size_t i = 0; i < count; ++i) {
    std::array<float, kImageSize> input;
    std::array<float, kNumClasses> output;
    for (std::size_t j = 0; j < kImageSize; ++j) {
      input[j] = images[i * kImageSize + j] / 255.0f;
    }
    mnist_simple(input.data(), output.data());
    const std::size_t pred = static_cast<std::size_t>(
        std::max_element(output.begin(), output.end()) - output.begin());
    correct += (pred == labels[i]) ? 1 : 0;
  }
  mnist_simple_fini();  // Releases the computation.

  std::printf("Accuracy: %.4f (%zu images)\n",
              static_cast<double>(correct) / static_cast<double>(count), count);
  return 0;
}
