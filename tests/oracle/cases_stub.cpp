#include "driver.hpp"
namespace oracle {
void cases_misc() {}
void cases_injected() {}
void cases_unprivileged() {}
}
