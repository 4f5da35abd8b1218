/* A library whose only content is HOG_BYTES of initial-exec TLS: each
 * dlopen() of a copy takes that much of the process's static TLS surplus. */
#ifndef HOG_BYTES
#error "HOG_BYTES must be defined"
#endif

__attribute__((tls_model("initial-exec"))) __thread char tls_hog[HOG_BYTES];

char *tls_hog_touch(void)
{
    tls_hog[0] = 1;
    return tls_hog;
}
