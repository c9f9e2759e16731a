/**
 * Accept headers that make the apiserver answer with metadata only (client-go's metadata client): a Node's status
 * (images, conditions, heartbeats) is never sent, let alone parsed. The watch form names the object, the list form the list.
 */
export const METADATA_ONLY_WATCH = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1';
export const METADATA_ONLY_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1';
