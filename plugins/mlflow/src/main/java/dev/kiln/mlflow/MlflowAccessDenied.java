package dev.kiln.mlflow;

import org.mlflow.tracking.MlflowClientException;

/**
 * The server answered 401 or 403: a configuration error (credentials missing, wrong, or without
 * permission), not an outage. Delivery stops instead of retrying; the message says what was
 * refused and which environment variables to set or check, and never holds a credential.
 */
final class MlflowAccessDenied extends MlflowClientException {
  final int status;

  MlflowAccessDenied(int status, String message) {
    super(message);
    this.status = status;
  }

  static boolean isRefusal(int status) {
    return status == 401 || status == 403;
  }
}
