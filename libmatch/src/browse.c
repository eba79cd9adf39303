/*
 * browse.c: reading the store and the commute model through the public
 * API, for programs that look at the data rather than rank it (the
 * 15-minute service circle lists communities, service points and jobs,
 * and measures minutes between them as the ranking does).
 */
#define _POSIX_C_SOURCE 200809L
#include <math.h>
#include <string.h>

#include "api.h"

int lm_engine_foreach(lm_engine *e, lm_kind kind,
                      int (*each)(void *ctx, const lm_record *r), void *ctx)
{
  lm__clear_error();
  if (e == NULL || each == NULL || lm__kind_name(kind) == NULL)
    return lm__fail(LM_EINVAL, "lm_engine_foreach: bad argument");
  return lm__store_foreach(e->store, kind, each, ctx);
}

/* NaN fails every comparison, so it is refused too. */
static int point_valid(double lat, double lon)
{
  return lat >= -90.0 && lat <= 90.0 && lon >= -180.0 && lon <= 180.0;
}

int lm_commute_minutes(const char *mode, double lat1, double lon1,
                       double lat2, double lon2, double *out)
{
  const char *word = NULL;
  int code = LM__MODE_DEFAULT, rc;

  lm__clear_error();
  if (out == NULL)
    return lm__fail(LM_EINVAL, "lm_commute_minutes: out is NULL");
  *out = NAN;
  if (!point_valid(lat1, lon1) || !point_valid(lat2, lon2))
    return lm__fail(LM_EINVAL, "lm_commute_minutes: a latitude or "
                               "longitude is out of range");
  if (mode != NULL) {
    rc = lm__norm_mode(mode, &word);
    if (rc == LM_ENOMEM)
      return rc;
    if (rc != LM_OK)
      return lm__fail_prefix(LM_EINVAL, "lm_commute_minutes: ");
    code = lm__mode_code(word);
  }
  *out = lm__commute_minutes(lm__distance_km(lat1, lon1, lat2, lon2), code);
  return LM_OK;
}

int lm_text_fold(char **out, const char *text)
{
  lm__clear_error();
  if (out != NULL)
    *out = NULL;
  if (out == NULL || text == NULL)
    return lm__fail(LM_EINVAL, "lm_text_fold: NULL argument");
  return lm__fold(text, strlen(text), out);
}
