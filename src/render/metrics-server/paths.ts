/** Paths inside the metrics-server container, shared by the flag decision and the Deployment's volume mounts. */

/** Writable emptyDir: the root filesystem is read-only, and metrics-server writes a self-signed cert here if it has none. */
export const TMP_DIR = '/tmp';
/** Where the serving certificate Secret is mounted. */
export const SERVING_CERT_DIR = '/etc/metrics-server/serving';
/** Where the kubelet CA ConfigMap key is mounted. */
export const KUBELET_CA_DIR = '/etc/metrics-server/kubelet-ca';
/** The kubelet CA bundle file passed to `--kubelet-certificate-authority`. */
export const KUBELET_CA_FILE = `${KUBELET_CA_DIR}/ca.crt`;
/** Name of the container port (probes and the Service's targetPort refer to it). */
export const HTTPS_PORT_NAME = 'https';
