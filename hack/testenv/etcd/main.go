// Command etcd is etcd's own server entry point, built here because Debian's etcd (3.4) is too old
// for kube-apiserver 1.36.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() { etcdmain.Main(os.Args) }
