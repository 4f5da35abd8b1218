// Configure-time check that clang++ can build a libFuzzer target here.
#include <fuzzer/FuzzedDataProvider.h>

extern "C" int LLVMFuzzerTestOneInput(const unsigned char *data, unsigned long size)
{
    FuzzedDataProvider in(data, size);
    return in.ConsumeBool() ? 0 : 0;
}
