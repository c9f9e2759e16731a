/** Paths and ports inside the prometheus-adapter container (upstream's manifests use the same ones). */

/** Writable emptyDir: the root filesystem is read-only. */
export const TMP_DIR = '/tmp';
/** Where the serving certificate Secret is mounted. */
export const SERVING_CERT_DIR = '/var/run/serving-cert';
/** Where the configuration ConfigMap is mounted. */
export const CONFIG_DIR = '/etc/adapter';
/** The key of the configuration file in the ConfigMap, and so its file name under CONFIG_DIR. */
export const CONFIG_KEY = 'config.yaml';
/** Name of the container port (probes and the Service's targetPort refer to it). */
export const HTTPS_PORT_NAME = 'https';
/** Port the container serves on: unprivileged, as upstream. */
export const ADAPTER_SECURE_PORT = 6443;
/** Port of the Service, and so of the APIServices. */
export const ADAPTER_SERVICE_PORT = 443;
